// Package handover holds what leaves the laptop: the documents a nurse hands
// to someone else (a DMP summary today; handover packs next). It is domain
// code: it imports the standard library, xid and the other domain packages
// (patients, ngap, french's formatting), and describes documents as data
// that edge packages render (pdfdoc) or store.
package handover
