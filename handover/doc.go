// Package handover holds what leaves the laptop: the documents a nurse hands
// to someone else (a DMP summary today; handover packs next). It is domain
// code: it imports the standard library, orb and xid only, and describes
// documents as data that edge packages render (pdfdoc) or store.
package handover
