/** The report page's stylesheet, inlined in a `<style>` element (the page loads nothing else). */
export const REPORT_STYLES = `
:root { color-scheme: light dark; --line: #d0d4da; --muted: #5f6670; --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --head: #f3f5f8; }
@media (prefers-color-scheme: dark) { :root { --line: #3a3f46; --muted: #a0a7b0; --ok: #4ac26b; --bad: #ff7b72; --warn: #d29922; --head: #1c2128; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { margin: 0 0 4px; font-size: 20px; }
.meta { margin: 0 0 16px; color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; min-width: 100%; }
th, td { border: 1px solid var(--line); padding: 8px; vertical-align: top; text-align: left; }
thead th { background: var(--head); position: sticky; top: 0; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
tbody th, tbody td { width: 280px; min-width: 220px; }
tfoot th, tfoot td { background: var(--head); }
img.input, video, img.output { display: block; max-width: 100%; height: auto; max-height: 320px; border-radius: 4px; background: #0001; }
.motion { margin-top: 2px; font-size: 12px; }
.source { margin-top: 4px; color: var(--muted); font-size: 12px; word-break: break-all; }
.badges { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.ok { background: var(--ok); }
.badge.failed { background: var(--bad); }
.badge.warning { background: var(--warn); }
.error { margin: 6px 0; color: var(--bad); word-break: break-word; }
ul.warnings, ul.notes { margin: 4px 0; padding-left: 18px; }
ul.warnings { color: var(--warn); }
ul.notes { color: var(--muted); font-size: 12px; }
dl.figures { display: grid; grid-template-columns: auto 1fr; gap: 1px 10px; margin: 6px 0 0; font-size: 13px; }
dl.figures dt { color: var(--muted); }
dl.figures dd { margin: 0; font-variant-numeric: tabular-nums; }
.none { color: var(--muted); }
img.strip { display: block; max-width: 100%; height: auto; margin-top: 6px; border-radius: 2px; }
svg.chart { display: block; width: 100%; max-width: 240px; height: 48px; margin-top: 6px; color: var(--ok); }
svg.chart .axis { stroke: var(--line); }
.chart-label { color: var(--muted); font-size: 11px; }
details { margin-top: 16px; max-width: 900px; }
details li { margin: 2px 0; }
`
