// Package storage keeps tournée's records in one bbolt file, sealed at rest.
//
// It implements patients.Store. Nothing above this package sees bbolt.
//
// # File layout
//
// Top-level buckets, one per entity, keyed by the 12 bytes of an xid:
//
//	meta                      kdf (plain JSON), verifier, schema, last_auto_backup
//	meta/stamp:NAME           write number + value: work done as of that write (stamp.go)
//	cabinet                   one record under the key "cabinet"
//	nurses                    xid → Nurse
//	patients                  xid → Patient
//	careplans                 xid → CarePlan
//	visits                    xid → Visit
//	transmissions             xid → Transmission (append-only)
//	audit                     xid → AuditEntry (time-ordered: xids sort by creation)
//	dmp_exports               patient xid + "YYYY-MM-DD" (from) + "YYYY-MM-DD" (to) → dmp.Export:
//	                          the last version of each DMP summary written
//
// Replication (schema 4; see oplog.go, sync.go, apply.go and the replica
// sub-package):
//
//	oplog                     8-byte seq → replica.Op: every change this laptop made, in the
//	                          transaction of the change, stamped by its hybrid logical clock
//	sync_records              bucket + 0 + key → replica.Meta: per field, the stamp of the change
//	                          in force and of the value it replaced; tombstones (binary form,
//	                          replica.Meta.AppendBinary; older databases hold its JSON, still read)
//	sync_seen                 replica xid → 8-byte last seq applied from that laptop (plain)
//	sync_conflicts            xid → conflict: the losing side of two concurrent edits of a field,
//	                          kept (marked once confirmed)
//	sync_pending              bucket + 0 + key → the fields of a record whose changes arrived before
//	                          its creation (another folder): out of every read until it is whole
//	oplog_retired             a copy's former identity's log, kept when a fork (a copied or
//	                          restored database) gave this copy a new identity
//	sync                      "key" → the cabinet key, "last" → folder and time of the last sync,
//	                          "copies" → checksums of the conflict copies already read
//	meta/replica, meta/hlc, meta/op_seq   this laptop's id, clock and last seq (plain)
//
// The address index (see geo.go) is public data kept in clear, in two
// generations (geo_a_*, geo_b_*: streets, numbers, trigrams, trigram
// frequencies); meta/geo_active names the one in use.
//
// Index buckets hold keys only (nil values) and are named for what they index:
//
//	visits_by_day             "YYYY-MM-DD" + visit xid
//	visits_by_patient         patient xid + "YYYY-MM-DD" + visit xid
//	careplans_by_patient      patient xid + care plan xid
//	transmissions_by_patient  patient xid + 8-byte big-endian unix seconds + transmission xid
//
// # Sealing
//
// Every value except meta's plain bookkeeping (kdf, schema, the backup's
// date, replica, hlc, op_seq, stamps, geo_active), the address index and the
// index buckets' keys is a versioned JSON envelope {"v":N,"data":…} sealed with XChaCha20-Poly1305 under a key derived from the
// passphrase with Argon2id. The associated data is bucket name + 0 + key, so a
// value moved to another key fails to open instead of being read as the wrong
// record. Keys stay plain: xids and dates say nothing about a patient.
//
// meta/verifier seals a known text: failing to open it means a wrong
// passphrase, while a record that fails after the verifier opened means
// corruption. The two get different errors.
//
// # Schema versions
//
// meta/schema holds the layout version. Migrations run in one write
// transaction at Open, after the daily backup; see migrate.go.
//
// Backups (backup.go) are the bbolt file followed by 48 bytes: a marker,
// the length and a SHA-256 of what comes before, checked before a restore
// reads anything; a restore keeps the database it replaces as
// avant-restauration-<base>-<timestamp>.db, never overwritten. Every Open
// removes the .tmp-* leftovers of killed backups and restores.
package storage
