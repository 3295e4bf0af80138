// Package patients is the domain of tournée: the cabinet and its nurses,
// patients, care plans (soins prescrits), visits, transmissions ciblées and
// the audit trail, with their validation rules and the Store interface that
// the storage adapter implements.
//
// It imports only the standard library, orb and xid: no UI, no storage.
package patients
