package dmp

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"tournee/patients"
)

func TestMetadataHashAndSizeMatchTheFile(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	doc := generate(t, h)
	m := Metadata(h, doc)
	sum := sha1.Sum(doc)
	if m.Size != int64(len(doc)) {
		t.Errorf("size = %d, file has %d bytes", m.Size, len(doc))
	}
	if m.Hash != hex.EncodeToString(sum[:]) || len(m.Hash) != 40 {
		t.Errorf("hash = %q, want the SHA-1 of the file in hex", m.Hash)
	}
	// One byte more is another file: the hash must see it.
	if other := Metadata(h, append(doc, ' ')); other.Hash == m.Hash || other.Size != m.Size+1 {
		t.Error("hash or size ignore a change of the file")
	}
}

func TestMetadataSourcePatientID(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	if got, want := Metadata(h, nil).SourcePatientID, "279035121518989^^^&1.2.250.1.213.1.4.10&ISO"; got != want {
		t.Errorf("sourcePatientId = %q, want %q", got, want)
	}
	h.Patient.NIR, h.Patient.INSRoot = "185012A01234515", patients.OIDInsNIR
	if got, want := Metadata(h, nil).SourcePatientID, "185012A01234515^^^&1.2.250.1.213.1.4.8&ISO"; got != want {
		t.Errorf("sourcePatientId = %q, want %q", got, want)
	}
}

// XDS times are UTC without offset, while the CDA carries Paris time.
func TestMetadataTimesAreUTC(t *testing.T) {
	t.Parallel()
	paris := patients.Paris()
	h := cdaHeader()
	h.ServiceStart = time.Date(2025, 3, 28, 9, 0, 0, 0, paris) // UTC+1
	h.ServiceEnd = time.Date(2025, 4, 2, 18, 15, 0, 0, paris)  // UTC+2
	h.Created = time.Date(2025, 4, 2, 18, 30, 0, 0, paris)
	m := Metadata(h, nil)
	for name, gw := range map[string][2]string{
		"creationTime":     {m.CreationTime, "20250402163000"},
		"serviceStartTime": {m.ServiceStartTime, "20250328080000"},
		"serviceStopTime":  {m.ServiceStopTime, "20250402161500"},
		"birthDate":        {m.SourcePatientInfo.BirthDate, "19790328"},
	} {
		if gw[0] != gw[1] {
			t.Errorf("%s = %q, want %q", name, gw[0], gw[1])
		}
	}
}

// Metadata and the document it describes say the same things.
// metadataHeader is a second version, so the metadata carries its parent.
func metadataHeader() Header {
	h := cdaHeader()
	h.DocumentID, h.Version, h.Replaces = "1.2.250.1.999.1.2", 2, "1.2.250.1.999.1.1"
	return h
}

func TestMetadataMatchesTheDocument(t *testing.T) {
	t.Parallel()
	h := metadataHeader()
	doc := generate(t, h)
	root := parseXML(t, doc)
	m := Metadata(h, doc)
	perf := "documentationOf/serviceEvent/performer/assignedEntity/"
	for name, gw := range map[string][2]string{
		"uniqueId":                   {m.UniqueID, root.one(t, "id").attr("root")},
		"setId":                      {m.SetID, root.one(t, "setId").attr("root")},
		"version":                    {strconv.Itoa(m.Version), root.one(t, "versionNumber").attr("value")},
		"replaces":                   {m.Replaces, root.one(t, "relatedDocument/parentDocument/id").attr("root")},
		"title":                      {m.Title, root.one(t, "title").text},
		"typeCode":                   {m.TypeCode.Code, root.one(t, "code").attr("code")},
		"typeCode system":            {m.TypeCode.CodeSystem, root.one(t, "code").attr("codeSystem")},
		"confidentialityCode":        {m.ConfidentialityCodes[0].Code, root.one(t, "confidentialityCode").attr("code")},
		"languageCode":               {m.LanguageCode, root.one(t, "languageCode").attr("code")},
		"healthcareFacilityTypeCode": {m.HealthcareFacilityTypeCode.Code, root.one(t, "componentOf/encompassingEncounter/location/healthCareFacility/code").attr("code")},
		"practiceSettingCode":        {m.PracticeSettingCode.Code, root.one(t, perf+"representedOrganization/standardIndustryClassCode").attr("code")},
		"authorSpecialty":            {m.Authors[0].Specialty.Code, root.one(t, "author/assignedAuthor/code").attr("code")},
		"authorPerson id":            {m.Authors[0].Person.ID, root.one(t, "author/assignedAuthor/id").attr("extension")},
		"authorPerson family":        {m.Authors[0].Person.FamilyName, root.one(t, "author/assignedAuthor/assignedPerson/name/family").text},
		"authorInstitution id":       {m.Authors[0].Institution.ID, root.one(t, "custodian/assignedCustodian/representedCustodianOrganization/id").attr("extension")},
		"legalAuthenticator id":      {m.LegalAuthenticator.ID, root.one(t, "legalAuthenticator/assignedEntity/id").attr("extension")},
		"patientId NIR":              {m.PatientID[:15], root.one(t, "recordTarget/patientRole/id").attr("extension")},
		"sourcePatientId NIR":        {m.SourcePatientID[:15], root.one(t, "recordTarget/patientRole/id").attr("extension")},
		"birth COG":                  {m.SourcePatientInfo.BirthPlaceCOG, root.one(t, "recordTarget/patientRole/patient/birthplace/place/addr/county").text},
	} {
		if gw[0] != gw[1] || gw[0] == "" {
			t.Errorf("%s: metadata %q, document %q", name, gw[0], gw[1])
		}
	}
}

func TestMetadataJSON(t *testing.T) {
	t.Parallel()
	h := cdaHeader()
	b, err := json.Marshal(Metadata(h, []byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"uniqueId": h.DocumentID, "setId": h.SetID, "version": 1.0, "mimeType": "text/xml",
		"languageCode": "fr-FR", "title": "Synthèse de soins infirmiers", "size": 1.0,
		"hash":            "11f6ad8ec52a2984abaafd7c3b516503785c2072",
		"patientId":       "279035121518989^^^&1.2.250.1.213.1.4.10&ISO",
		"sourcePatientId": "279035121518989^^^&1.2.250.1.213.1.4.10&ISO", "creationTime": "20250110163000",
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s = %#v, want %#v", key, v, want)
		}
	}
	if _, ok := got["replaces"]; ok {
		t.Error("version 1 has a replaces key")
	}
	code := func(key string) map[string]any {
		m, _ := got[key].(map[string]any)
		return m
	}
	for key, want := range map[string][2]string{
		"typeCode":                   {"11506-3", "2.16.840.1.113883.6.1"},
		"formatCode":                 {"urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3"},
		"healthcareFacilityTypeCode": {"SA07", "1.2.250.1.71.4.2.4"},
		"practiceSettingCode":        {"SAD", "1.2.250.1.213.1.1.4.9"},
		"classCode":                  {"10", "1.2.250.1.213.1.1.4.1"},
	} {
		if c := code(key); c["code"] != want[0] || c["codeSystem"] != want[1] {
			t.Errorf("%s = %v, want %s in %s", key, c, want[0], want[1])
		}
	}
	conf, _ := got["confidentialityCode"].([]any)
	if len(conf) != 1 || conf[0].(map[string]any)["code"] != "N" {
		t.Errorf("confidentialityCode = %v, want [N]", got["confidentialityCode"])
	}
	authors, _ := got["author"].([]any)
	if len(authors) != 1 {
		t.Fatalf("author = %v, want one", got["author"])
	}
	a0, _ := authors[0].(map[string]any)
	if a, _ := a0["authorPerson"].(map[string]any); a["id"] != "801234567893" || a["idRoot"] != OIDPersonPS || a["familyName"] != "BLEEDER" {
		t.Errorf("authorPerson = %v", a0["authorPerson"])
	}
	if i, _ := a0["authorInstitution"].(map[string]any); i["id"] != "312345678900012" || i["idRoot"] != OIDStructure {
		t.Errorf("authorInstitution = %v", a0["authorInstitution"])
	}
	if s, _ := a0["authorSpecialty"].(map[string]any); s["code"] != "G15_60" || s["codeSystem"] != "1.2.250.1.213.1.1.4.5" {
		t.Errorf("authorSpecialty = %v", a0["authorSpecialty"])
	}
	if l, _ := got["legalAuthenticator"].(map[string]any); l["id"] != "801234567893" {
		t.Errorf("legalAuthenticator = %v", got["legalAuthenticator"])
	}
}
