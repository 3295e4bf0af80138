package demo

// The types below mirror demo-cabinet.json (schema v2, README "demo-cabinet.json
// schema"). Optional values that change the meaning when absent (offsets,
// coordinates, house number) are pointers, so "missing" is not read as 0.

// file mirrors demo-cabinet.json. Fields the domain has no place for
// (meta, fictional, rpps_is_fake, ik_zone, coord_quality, label, birth_year,
// given names, prescription_required, retrocession_base) are not decoded.
type file struct {
	SchemaVersion int           `json:"schema_version"`
	Cabinet       rawCabinet    `json:"cabinet"`
	Nurses        []rawNurse    `json:"nurses"`
	Doctors       []rawDoctor   `json:"doctors"`
	Pharmacies    []rawPharmacy `json:"pharmacies"`
	Patients      []rawPatient  `json:"patients"`
}

type rawAddress struct {
	Numero     *string  `json:"numero"`
	Voie       string   `json:"voie"`
	CodePostal string   `json:"code_postal"`
	Commune    string   `json:"commune"`
	CodeINSEE  string   `json:"code_insee"`
	Lat        *float64 `json:"lat"`
	Lon        *float64 `json:"lon"`
	Complement string   `json:"complement"`
}

type rawCabinet struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Address rawAddress `json:"address"`
	Phone   string     `json:"phone"`
}

type rawNurse struct {
	ID          string          `json:"id"`
	FirstName   string          `json:"first_name"`
	LastName    string          `json:"last_name"`
	RPPS        string          `json:"rpps"`
	Role        string          `json:"role"`
	Phone       string          `json:"phone"`
	Color       string          `json:"color"`
	Replacement *rawReplacement `json:"replacement"`
	// Shifts are the nurse's working hours per round ("matin", "soir");
	// absent, she works patients.DefaultShifts.
	Shifts []rawShift `json:"shifts"`
}

type rawShift struct {
	Round string `json:"round"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// rawReplacement gives each of its dates either absolutely (YYYY-MM-DD, as
// in the first version of the file) or as whole days from the reference day
// (the *_offset_days fields), so a replacement "from next week" stays next
// week whatever day the demo is loaded.
type rawReplacement struct {
	AuthorisationNumber string   `json:"authorisation_number"`
	ValidFrom           string   `json:"authorisation_valid_from"`
	ValidFromOffset     *int     `json:"authorisation_valid_from_offset_days"`
	ValidUntil          string   `json:"authorisation_valid_until"`
	ValidUntilOffset    *int     `json:"authorisation_valid_until_offset_days"`
	Replaces            []string `json:"replaces"`
	ContractPeriod      struct {
		From       string `json:"from"`
		FromOffset *int   `json:"from_offset_days"`
		To         string `json:"to"`
		ToOffset   *int   `json:"to_offset_days"`
	} `json:"contract_period"`
	CabinetShare float64 `json:"retrocession_cabinet_share"`
}

type rawDoctor struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	RPPS  string `json:"rpps"`
}

type rawPharmacy struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type rawPatient struct {
	ID        string     `json:"id"`
	LastName  string     `json:"last_name"`
	FirstName string     `json:"first_name"`
	Sex       string     `json:"sex"`
	INS       *rawINS    `json:"ins"`
	Address   rawAddress `json:"address"`
	Household string     `json:"household_key"`
	Access    string     `json:"access_notes"`
	Contacts  struct {
		Doctor   string      `json:"medecin_traitant"`
		Pharmacy string      `json:"pharmacy"`
		Family   []rawFamily `json:"family"`
	} `json:"contacts"`
	PrimaryNurse string        `json:"primary_nurse"`
	CarePlan     []rawCareItem `json:"care_plan"`
	Absences     []rawAbsence  `json:"absences"`
	SafetyFlags  []string      `json:"safety_flags"`
	Notes        string        `json:"notes"`
	// Health (v5): allergies in three states — absent and not
	// no_known_allergies is « non renseignées » — and the structured
	// treatments the nurses give.
	Pathologies      []string       `json:"pathologies"`
	Allergies        []string       `json:"allergies"`
	NoKnownAllergies bool           `json:"no_known_allergies"`
	Treatments       []rawTreatment `json:"treatments"`
}

// rawTreatment is a drug or protocol. Its dates are those of the care items
// it is given in (care_items, ids of this patient's care_plan): the first
// start, and the last day when every one of them ends.
type rawTreatment struct {
	Drug       string   `json:"drug"`
	Code       string   `json:"code"`
	Dose       string   `json:"dose"`
	Route      string   `json:"route"`
	Schedule   string   `json:"schedule"`
	Protocol   string   `json:"protocol"`
	Monitoring string   `json:"monitoring"`
	Prescriber string   `json:"prescriber"`
	CareItems  []string `json:"care_items"`
}

type rawINS struct {
	NIR       string `json:"nir"`
	OID       string `json:"ins_oid"`
	Status    string `json:"ins_status"`
	BirthName string `json:"birth_name"`
	BirthDate string `json:"birth_date"`
	// INS traits a DMP document carries.
	FirstGivenName string `json:"first_given_name"`
	GivenNames     string `json:"given_names"`
	BirthPlace     string `json:"birth_place_insee"`
}

type rawFamily struct {
	Role  string `json:"role"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type rawAbsence struct {
	Reason string `json:"reason"`
	From   *int   `json:"from_offset_days"`
	To     *int   `json:"to_offset_days"`
	Note   string `json:"note"`
}

type rawCareItem struct {
	ID               string        `json:"id"`
	Type             string        `json:"type"`
	Label            string        `json:"label_fr"`
	Recurrence       rawRecurrence `json:"recurrence"`
	Window           rawWindow     `json:"window"`
	DurationMin      int           `json:"duration_min"`
	Fasting          bool          `json:"fasting"`
	FixedTime        bool          `json:"fixed_time"`
	LabDropoffBefore string        `json:"lab_dropoff_before"`
	CotationHint     string        `json:"cotation_hint"`
}

type rawRecurrence struct {
	Kind        string   `json:"kind"`
	StartDate   string   `json:"start_date"`
	StartOffset *int     `json:"start_offset_days"`
	EndDate     string   `json:"end_date"`
	N           int      `json:"n"`
	Weekdays    []string `json:"weekdays"`
	Count       int      `json:"count"`
	Date        string   `json:"date"`
	DateOffset  *int     `json:"date_offset_days"`
}

type rawWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}
