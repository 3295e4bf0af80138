package dmp

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"tournee/patients"
)

// The TestRule* tests check, on a generated document, each header rule the
// ANS schematron enforces (dmp-cda.md §2; §7.2 asks to test them directly,
// one test per rule, since the schematron engine is not shipped).

func ruleDoc(t *testing.T) *node {
	t.Helper()
	return parseXML(t, generate(t, cdaHeader()))
}

// concept is one entry of an ANS value set.
type concept struct{ system, display string }

// valueSet reads the concepts of a JDV file (Concept) or of a schematron
// voc file (concept), keyed by code.
func valueSet(t *testing.T, rel string) map[string]concept {
	t.Helper()
	data, err := os.ReadFile(sharedFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	root := parseXML(t, data)
	set := map[string]concept{}
	root.walk(func(n *node) {
		if strings.EqualFold(n.name.Local, "concept") && n.attr("code") != "" {
			set[n.attr("code")] = concept{n.attr("codeSystem"), n.attr("displayName")}
		}
	})
	if len(set) == 0 {
		t.Fatalf("%s: no concept read", rel)
	}
	return set
}

// inValueSet fails unless the coded element's code and system are in the set.
func inValueSet(t *testing.T, n *node, rel string) {
	t.Helper()
	c, ok := valueSet(t, rel)[n.attr("code")]
	if !ok {
		t.Fatalf("code %q is not in %s", n.attr("code"), rel)
	}
	if c.system != n.attr("codeSystem") {
		t.Errorf("code %q: codeSystem %q, %s says %q", n.attr("code"), n.attr("codeSystem"), rel, c.system)
	}
	if n.attr("displayName") == "" {
		t.Errorf("code %q has no displayName", n.attr("code"))
	}
}

var (
	oidRe  = regexp.MustCompile(`^[0-2](\.(0|[1-9]\d*))*$`)
	uuidRe = regexp.MustCompile(`^[A-Fa-f\d]{8}-[A-Fa-f\d]{4}-[A-Fa-f\d]{4}-[A-Fa-f\d]{4}-[A-Fa-f\d]{12}$`)
	tsTZRe = regexp.MustCompile(`^\d{14}[+-]\d{4}$`)
)

func isUID(s string) bool { return oidRe.MatchString(s) || uuidRe.MatchString(s) }

func TestRuleRealmCode(t *testing.T) {
	t.Parallel()
	if got := ruleDoc(t).one(t, "realmCode").attr("code"); got != "FR" {
		t.Errorf("realmCode = %q, want FR", got)
	}
}

func TestRuleTypeID(t *testing.T) {
	t.Parallel()
	n := ruleDoc(t).one(t, "typeId")
	if n.attr("root") != "2.16.840.1.113883.1.3" || n.attr("extension") != "POCD_HD000040" {
		t.Errorf("typeId = %q/%q", n.attr("root"), n.attr("extension"))
	}
}

func TestRuleExactlyThreeTemplateIDs(t *testing.T) {
	t.Parallel()
	var got []string
	for _, n := range ruleDoc(t).all("templateId") {
		got = append(got, n.attr("root"))
	}
	want := []string{"2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.3.6.1.4.1.19376.1.2.20"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("templateIds %v, want exactly %v with a nonXMLBody", got, want)
	}
}

func TestRuleDocumentID(t *testing.T) {
	t.Parallel()
	n := ruleDoc(t).one(t, "id")
	if n.attr("nullFlavor") != "" || !isUID(n.attr("root")) || n.attr("root") != cdaHeader().DocumentID {
		t.Errorf("id root %q: want the DocumentID, of type uid, no nullFlavor", n.attr("root"))
	}
}

func TestRuleCodeInJ07(t *testing.T) {
	t.Parallel()
	n := ruleDoc(t).one(t, "code")
	if n.attr("code") != "11506-3" {
		t.Errorf("code = %q, want 11506-3", n.attr("code"))
	}
	inValueSet(t, n, "jeuxDeValeurs/JDV_J07_XdsTypeCode_CISIS.xml")
}

func TestRuleTitle(t *testing.T) {
	t.Parallel()
	n := ruleDoc(t).one(t, "title")
	if n.text != "Synthèse de soins infirmiers" || n.attr("nullFlavor") != "" {
		t.Errorf("title = %q", n.text)
	}
}

func TestRuleEffectiveTimeIsTSWithOffset(t *testing.T) {
	t.Parallel()
	if got := ruleDoc(t).one(t, "effectiveTime").attr("value"); got != "20250110173000+0100" || !tsTZRe.MatchString(got) {
		t.Errorf("effectiveTime = %q, want 20250110173000+0100", got)
	}
}

func TestRuleConfidentialityCode(t *testing.T) {
	t.Parallel()
	n := ruleDoc(t).one(t, "confidentialityCode")
	if n.attr("code") != "N" || n.attr("codeSystem") != "2.16.840.1.113883.5.25" || n.attr("displayName") != "Normal" {
		t.Errorf("confidentialityCode = %v", n.attrs)
	}
	inValueSet(t, n, "jeuxDeValeurs/JDV_HL7_Confidentiality_CISIS.xml")
}

func TestRuleLanguageCode(t *testing.T) {
	t.Parallel()
	if got := ruleDoc(t).one(t, "languageCode").attr("code"); got != "fr-FR" {
		t.Errorf("languageCode = %q, want fr-FR", got)
	}
}

func TestRuleSetID(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	n := root.one(t, "setId")
	if !isUID(n.attr("root")) || n.attr("root") != cdaHeader().SetID {
		t.Errorf("setId root %q, want the SetID, of type uid", n.attr("root"))
	}
}

func TestRuleVersionNumber(t *testing.T) {
	t.Parallel()
	if got := ruleDoc(t).one(t, "versionNumber").attr("value"); got != "1" {
		t.Errorf("versionNumber = %q, want 1", got)
	}
}

func TestRuleOneRecordTargetWithINS(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	root.one(t, "recordTarget")
	id := root.one(t, "recordTarget/patientRole/id")
	if id.attr("root") != patients.OIDInsNIRTest || id.attr("extension") != "279035121518989" {
		t.Errorf("patientRole id = %q/%q, want the INS and its OID", id.attr("root"), id.attr("extension"))
	}
}

// With an INS root, the schematron requires every INS trait ([SM] line 52).
func TestRuleINSTraits(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	pat := root.one(t, "recordTarget/patientRole/patient")
	parts := map[string]string{}
	for _, n := range pat.all("name/family") {
		parts["family "+n.attr("qualifier")] = n.text
	}
	for _, n := range pat.all("name/given") {
		parts["given "+n.attr("qualifier")] = n.text
	}
	for key, want := range map[string]string{
		"family BR": "PAT-TROIS", "given BR": "DOMINIQUE", "given ": "DOMINIQUE MARIE-LOUISE",
		"family CL": "MARTIN", "given CL": "Dominique",
	} {
		if parts[key] != want {
			t.Errorf("name %s = %q, want %q", key, parts[key], want)
		}
	}
	if got := pat.one(t, "birthTime").attr("value"); got != "19790328" {
		t.Errorf("birthTime = %q", got)
	}
	if got := pat.one(t, "birthplace/place/addr/county").text; got != "51215" {
		t.Errorf("birthplace county = %q, want the COG code 51215", got)
	}
	g := pat.one(t, "administrativeGenderCode")
	if g.attr("code") != "F" {
		t.Errorf("administrativeGenderCode = %q, want F", g.attr("code"))
	}
	inValueSet(t, g, "schematron/structurationMinimale/include/voc-1.2.250.1.213.1.1.5.590-DYNAMIC.xml")
}

// The schematron's gender value set has UN for « inconnu »: U would fail.
func TestRuleUnknownSexIsUN(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	h.Patient.Sex = "U"
	g := parseXML(t, generate(t, h)).one(t, "recordTarget/patientRole/patient/administrativeGenderCode")
	if g.attr("code") != "UN" {
		t.Errorf("sex U written as %q, want UN", g.attr("code"))
	}
	inValueSet(t, g, "schematron/structurationMinimale/include/voc-1.2.250.1.213.1.1.5.590-DYNAMIC.xml")
}

func TestRuleAuthorIDAndSpecialty(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	root.one(t, "author")
	if got := root.one(t, "author/time").attr("value"); !tsTZRe.MatchString(got) {
		t.Errorf("author/time = %q, want a TS with offset", got)
	}
	id := root.one(t, "author/assignedAuthor/id")
	ext := id.attr("extension")
	if id.attr("root") != "1.2.250.1.71.4.2.1" || len(ext) != 12 || ext[0] != '8' || ext != "801234567893" {
		t.Errorf("author id = %q/%q, want root 1.2.250.1.71.4.2.1 and 8+RPPS", id.attr("root"), ext)
	}
	code := root.one(t, "author/assignedAuthor/code")
	if code.attr("code") != "G15_60" || code.attr("codeSystem") != "1.2.250.1.213.1.1.4.5" {
		t.Errorf("author code = %v", code.attrs)
	}
	inValueSet(t, code, "jeuxDeValeurs/JDV_J01_XdsAuthorSpecialty_CISIS.xml")
	name := root.one(t, "author/assignedAuthor/assignedPerson/name")
	if name.one(t, "family").text != "BLEEDER" || len(name.all("given")) > 1 {
		t.Error("author name: want one family and at most one given")
	}
}

func TestRuleCustodianRoot(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	root.one(t, "custodian")
	id := root.one(t, "custodian/assignedCustodian/representedCustodianOrganization/id")
	if id.attr("root") != "1.2.250.1.71.4.2.2" || id.attr("extension") != "312345678900012" {
		t.Errorf("custodian id = %q/%q, want root 1.2.250.1.71.4.2.2", id.attr("root"), id.attr("extension"))
	}
}

func TestRuleLegalAuthenticatorSignature(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	la := root.one(t, "legalAuthenticator")
	if got := la.one(t, "signatureCode").attr("code"); got != "S" {
		t.Errorf("signatureCode = %q, want S", got)
	}
	if !tsTZRe.MatchString(la.one(t, "time").attr("value")) {
		t.Error("legalAuthenticator/time is not a TS with offset")
	}
	if id := la.one(t, "assignedEntity/id"); id.attr("root") != OIDPersonPS || id.attr("extension") != "801234567893" {
		t.Errorf("legalAuthenticator id = %v", id.attrs)
	}
	la.one(t, "assignedEntity/assignedPerson/name/family")
}

func TestRuleServiceEventAndPerformer(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	ev := root.one(t, "documentationOf/serviceEvent")
	if lo, hi := ev.one(t, "effectiveTime/low").attr("value"), ev.one(t, "effectiveTime/high").attr("value"); lo != "20250106080000+0100" || hi != "20250110170000+0100" {
		t.Errorf("serviceEvent effectiveTime = %s..%s", lo, hi)
	}
	perf := ev.one(t, "performer")
	if perf.attr("typeCode") != "PRF" {
		t.Errorf("performer typeCode = %q, want PRF", perf.attr("typeCode"))
	}
	perf.one(t, "assignedEntity/id")
	sic := perf.one(t, "assignedEntity/representedOrganization/standardIndustryClassCode")
	if sic.attr("code") != "SAD" {
		t.Errorf("standardIndustryClassCode = %q, want SAD", sic.attr("code"))
	}
	inValueSet(t, sic, "jeuxDeValeurs/JDV_J04_XdsPracticeSettingCode_CISIS.xml")
}

func TestRuleEncompassingEncounterFacility(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	enc := root.one(t, "componentOf/encompassingEncounter")
	enc.one(t, "effectiveTime/low")
	code := enc.one(t, "location/healthCareFacility/code")
	if code.attr("code") != "SA07" || code.attr("codeSystem") != "1.2.250.1.71.4.2.4" {
		t.Errorf("healthCareFacility code = %v", code.attrs)
	}
	inValueSet(t, code, "jeuxDeValeurs/JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml")
}

func TestRuleNonXMLBody(t *testing.T) {
	t.Parallel()
	root := ruleDoc(t)
	text := root.one(t, "component").one(t, "nonXMLBody/text")
	if text.attr("mediaType") != "application/pdf" || text.attr("representation") != "B64" {
		t.Errorf("nonXMLBody/text = %v", text.attrs)
	}
	if text.text != "JVBERi0xLjQKJSB0b3VybmVlIHRlc3QKJSVFT0YK" {
		t.Errorf("body = %q, want the base64 of the fake PDF", text.text)
	}
}

// headerOrderHeader has every optional top-level element, relatedDocument too.
func headerOrderHeader() Header {
	h := cdaHeader()
	h.DocumentID, h.Version, h.Replaces = "1.2.250.1.999.2", 2, "1.2.250.1.999.1"
	return h
}

// The element order is the schema's; xmllint checks it too, this says which.
func TestRuleHeaderElementOrder(t *testing.T) {
	t.Parallel()
	var got []string
	for _, c := range parseXML(t, generate(t, headerOrderHeader())).children {
		if len(got) == 0 || got[len(got)-1] != c.name.Local {
			got = append(got, c.name.Local)
		}
	}
	want := "realmCode typeId templateId id code title effectiveTime confidentialityCode languageCode setId versionNumber " +
		"recordTarget author custodian legalAuthenticator documentationOf relatedDocument componentOf component"
	if strings.Join(got, " ") != want {
		t.Errorf("top-level order:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// The code tables of validate.go must stay inside the ANS value sets.
func TestCodeTablesAreInValueSets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file   string
		system string
		table  map[string]string
	}{
		{"jeuxDeValeurs/JDV_J01_XdsAuthorSpecialty_CISIS.xml", OIDSpecialty, nurseSpecialties},
		{"jeuxDeValeurs/JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml", OIDFacilityType, facilityTypes},
		{"jeuxDeValeurs/JDV_J04_XdsPracticeSettingCode_CISIS.xml", OIDPracticeSetting, practiceSettings},
		{"jeuxDeValeurs/JDV_J07_XdsTypeCode_CISIS.xml", TypeCodeSystem, map[string]string{TypeCode: TypeDisplayName}},
	} {
		set := valueSet(t, tc.file)
		for code, display := range tc.table {
			c, ok := set[code]
			switch {
			case !ok:
				t.Errorf("%s: %q is not in the value set", tc.file, code)
			case c.system != tc.system || c.display != display:
				t.Errorf("%s: %q is %q/%q there, %q/%q here", tc.file, code, c.system, c.display, tc.system, display)
			}
		}
	}
}

// validationMessages checks err is ValidationErrors and returns "field: msg" lines.
func validationMessages(t *testing.T, err error) []string {
	t.Helper()
	var ve patients.ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not patients.ValidationErrors", err, err)
	}
	var out []string
	for _, e := range ve {
		out = append(out, e.Field+": "+e.Msg)
	}
	return out
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(*Header)
		want   string // "field: start of the French message"
	}{
		{"no INS", func(h *Header) { h.Patient.NIR = "" }, "patient.nir: INS du patient : matricule INS manquant"},
		{"NIR with a wrong key", func(h *Header) { h.Patient.NIR = "279035121518988" }, "patient.nir: INS du patient : la clé du NIR ne correspond pas"},
		{"Corsican NIR with a wrong key", func(h *Header) { h.Patient.NIR = "185012A01234516" }, "patient.nir: INS du patient : la clé du NIR ne correspond pas"},
		{"NIR too short", func(h *Header) { h.Patient.NIR = "27903512151898" }, "patient.nir: INS du patient : le NIR doit compter 15 caractères"},
		{"INS root unknown", func(h *Header) { h.Patient.INSRoot = "1.2.250.1.213.1.4.2" }, "patient.ins_root: INS du patient : OID \"1.2.250.1.213.1.4.2\" inconnu"},
		{"INS root missing", func(h *Header) { h.Patient.INSRoot = "" }, "patient.ins_root: INS du patient : OID de l'INS manquant"},
		{"no birth name", func(h *Header) { h.Patient.BirthName = " " }, "patient.birth_name: patient : nom de naissance manquant"},
		{"no first given name", func(h *Header) { h.Patient.FirstGivenName = "" }, "patient.first_given_name: patient : premier prénom de naissance manquant"},
		{"no given names", func(h *Header) { h.Patient.GivenNames = "" }, "patient.given_names: patient : prénoms de naissance manquants"},
		{"no birth date", func(h *Header) { h.Patient.BirthDate = time.Time{} }, "patient.birth_date: patient : date de naissance manquante"},
		{"birth after the document", func(h *Header) { h.Patient.BirthDate = h.Created.AddDate(0, 0, 1) }, "patient.birth_date: patient : date de naissance postérieure"},
		{"missing birth place", func(h *Header) { h.Patient.BirthPlaceCOG = "" }, "patient.birth_place: patient : lieu de naissance manquant"},
		{"birth place not COG", func(h *Header) { h.Patient.BirthPlaceCOG = "5121" }, "patient.birth_place: patient : code COG du lieu de naissance invalide"},
		{"sex unknown letter", func(h *Header) { h.Patient.Sex = "X" }, "patient.sex: patient : sexe \"X\" invalide (F, M ou U)"},
		{"control character in a name", func(h *Header) { h.Patient.BirthName = "PAT\x00TROIS" }, "patient.birth_name: patient : nom de naissance : caractère invalide"},
		{"nurse without RPPS", func(h *Header) { h.Authors[0].RPPS = "" }, "author.rpps: infirmière : numéro RPPS manquant (11 chiffres)"},
		{"RPPS of 10 digits", func(h *Header) { h.Authors[0].RPPS = "0123456789" }, "author.rpps: infirmière : le numéro RPPS doit compter 11 chiffres"},
		{"nurse without name", func(h *Header) { h.Authors[0].FamilyName = "" }, "author.family_name: infirmière : nom manquant"},
		{"not a nursing specialty", func(h *Header) { h.Authors[0].Specialty = "G15_10" }, "author.specialty: infirmière : profession : code \"G15_10\" inconnu"},
		{"phone with letters", func(h *Header) { h.Authors[0].Phone = "06 CALL ME" }, "author.phone: infirmière : numéro de téléphone"},
		{"no custodian id", func(h *Header) { h.Custodian.ID = "" }, "custodian.id: cabinet : ni SIRET ni FINESS"},
		{"custodian with a PS id", func(h *Header) { h.Custodian.ID = "801234567893" }, "custodian.id: cabinet : identifiant national \"801234567893\" invalide"},
		{"SIRET of 13 digits", func(h *Header) { h.Custodian.ID = "31234567890001" }, "custodian.id: cabinet : identifiant national"},
		{"no practice name", func(h *Header) { h.Custodian.Name = "" }, "custodian.name: cabinet : nom manquant"},
		{"empty period", func(h *Header) { h.ServiceStart, h.ServiceEnd = h.ServiceEnd, h.ServiceStart }, "service_end: période : la fin (06/01/2025 08:00) précède le début (10/01/2025 17:00)"},
		{"no period end", func(h *Header) { h.ServiceEnd = time.Time{} }, "service_end: période : fin manquante"},
		{"no document id", func(h *Header) { h.DocumentID = "" }, "document_id: document : identifiant du document manquant"},
		{"document id not a uid", func(h *Header) { h.DocumentID = "doc-42" }, "document_id: document : identifiant du document invalide"},
		{"set id with a leading zero", func(h *Header) { h.SetID = "1.02.3" }, "set_id: document : identifiant de l'ensemble des versions invalide"},
		{"version 0", func(h *Header) { h.Version = 0 }, "version: document : numéro de version invalide"},
		{"version 2 replacing nothing", func(h *Header) { h.Version = 2 }, "replaces: document : la version 2 doit indiquer"},
		{"version 1 replacing", func(h *Header) { h.Replaces = "1.2.3" }, "replaces: document : une première version ne remplace aucun document"},
		{"version replacing itself", func(h *Header) { h.Version, h.Replaces = 2, h.DocumentID }, "replaces: document : une version ne peut pas se remplacer elle-même"},
		{"not created", func(h *Header) { h.Created = time.Time{} }, "created: document : date de création manquante"},
		{"facility type not in J02 subset", func(h *Header) { h.HealthcareFacilityType = "SA01" }, "healthcare_facility_type: cabinet : type de structure : code \"SA01\" inconnu"},
		{"practice setting without display", func(h *Header) { h.PracticeSettingDisplay = "" }, "practice_setting: cabinet : cadre d'exercice : libellé manquant (« Soins à domicile » pour SAD)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := cdaHeader()
			tc.change(&h)
			msgs := validationMessages(t, h.Validate())
			if len(msgs) != 1 || !strings.HasPrefix(msgs[0], tc.want) {
				t.Errorf("Validate:\n got %q\nwant one message starting %q", msgs, tc.want)
			}
			doc, err := Document(h, cdaFakePDF)
			if doc != nil {
				t.Error("Document returned bytes for an invalid header")
			}
			if got := validationMessages(t, err); strings.Join(got, "|") != strings.Join(msgs, "|") {
				t.Errorf("Document reports %q, Validate %q", got, msgs)
			}
		})
	}
}

func TestValidateWantsAnAuthor(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	h.Authors = nil
	if msgs := validationMessages(t, h.Validate()); len(msgs) != 1 || !strings.HasPrefix(msgs[0], "author: ") {
		t.Errorf("a document with no author: %q", msgs)
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	msgs := validationMessages(t, Header{Authors: []Author{{}}}.Validate())
	fields := map[string]bool{}
	for _, m := range msgs {
		fields[m[:strings.Index(m, ":")]] = true
	}
	for _, f := range []string{"document_id", "set_id", "version", "created", "patient.nir", "patient.ins_root",
		"patient.birth_name", "patient.first_given_name", "patient.given_names", "patient.birth_date",
		"patient.birth_place", "patient.sex", "author.rpps", "author.given_name", "author.family_name",
		"author.specialty", "legal_authenticator.rpps", "custodian.id", "custodian.name", "service", "healthcare_facility_type", "practice_setting"} {
		if !fields[f] {
			t.Errorf("an empty header does not report %s (got %q)", f, msgs)
		}
	}
}

// acceptedChange is a valid variation of cdaHeader.
type acceptedChange struct {
	name   string
	change func(*Header)
}

// acceptedChanges are the headers TestValidateAccepts expects valid, and
// whose documents the schema must accept too.
func acceptedChanges() []acceptedChange {
	return []acceptedChange{
		{"complete", func(*Header) {}},
		{"optional fields empty", func(h *Header) { *h = cdaMinimalHeader() }},
		{"Corsican NIR and birth place", func(h *Header) { h.Patient.NIR, h.Patient.BirthPlaceCOG = "185012A01234515", "2A004" }},
		{"born abroad", func(h *Header) { h.Patient.BirthPlaceCOG = "99134" }},
		{"NIA root", func(h *Header) { h.Patient.INSRoot = patients.OIDInsNIA }},
		{"production INS root", func(h *Header) { h.Patient.INSRoot = patients.OIDInsNIR }},
		{"sex unknown", func(h *Header) { h.Patient.Sex = "U" }},
		{"FINESS practice", func(h *Header) { h.Custodian.ID = "1120459876" }},
		{"Corsican FINESS", func(h *Header) { h.Custodian.ID = "12A0001234" }},
		{"RPPS with a wrong check digit only warns", func(h *Header) { h.Authors[0].RPPS = "01234567890" }},
		{"OID ids", func(h *Header) { h.DocumentID, h.SetID = "1.2.250.1.999.1.1", "1.2.250.1.999.1" }},
		{"version 3", func(h *Header) { h.Version, h.Replaces = 3, "1.2.250.1.999.1.2" }},
		{"one-instant period", func(h *Header) { h.ServiceEnd = h.ServiceStart }},
		{"group practice in a maison de santé", func(h *Header) {
			h.HealthcareFacilityType, h.HealthcareFacilityDisplay = "SA52", "Maison de santé ou Pôle de santé"
		}},
		{"international phone", func(h *Header) { h.Authors[0].Phone = "+33 (0)6 12 34 56 78" }},
	}
}

func TestValidateAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range acceptedChanges() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := cdaHeader()
			tc.change(&h)
			if err := h.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			generate(t, h)
		})
	}
}

func TestDocumentRefusesBadPDF(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		pdf  []byte
		want string
	}{
		"empty":   {nil, "pdf: document : le PDF de la synthèse est vide"},
		"not PDF": {[]byte("GIF89a"), "pdf: document : le fichier joint n'est pas un PDF"},
	} {
		doc, err := Document(cdaHeader(), tc.pdf)
		if doc != nil {
			t.Errorf("%s: Document returned bytes", name)
		}
		if got := validationMessages(t, err); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: got %q, want %q", name, got, tc.want)
		}
	}
	// A bad header and a bad PDF are reported together.
	h := cdaHeader()
	h.Authors[0].RPPS = ""
	if got := validationMessages(t, func() error { _, err := Document(h, nil); return err }()); len(got) != 2 {
		t.Errorf("bad header and empty PDF: got %q, want both", got)
	}
}
