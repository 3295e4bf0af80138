// Package ngap prices the visits of a round with the NGAP (Nomenclature
// générale des actes professionnels) of the infirmiers libéraux: the tariff
// table with its validity periods, the cotation text of a care plan
// ("AMI 1 + MAU") or its structured acts, and the bill of one visit done —
// article 11B for several acts, the majorations MAU, MCI, MIE, F and N from
// the real day and time (with the holiday calendar), the travel allowances
// IFD, IFI and IK once per trip.
//
// Every rule comes from docs/ngap-idel.md (shared/docs), which cites its
// sources; where that document says a rule or a value is unknown, the rule
// is left out and said so. This is a help to check the nurse's own billing
// software and to compute a rétrocession, not a SESAM-Vitale billing engine:
// the amounts are the conventional tariffs (metropolitan France), before the
// split between Assurance Maladie and complementary insurer.
//
// It is domain code: it imports the standard library, orb, xid and the
// patients and french packages only. Road distances come through a
// Distancer, so a road model can plug in without ngap importing it.
package ngap
