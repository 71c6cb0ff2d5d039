// The mark and the policy are the router's (its own journal takes the same marks); re-exported here
// for the queue's modules and users.
export type { SubmitIntent, UnknownAcceptancePolicy } from '@portrait-animator/router'
