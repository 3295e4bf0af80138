package french

// fieldNames names in French the JSON fields of the stored records, as a
// sync conflict shows them to the nurse in the interface and on the command
// line alike.
var fieldNames = map[string]string{
	"phone": "téléphone", "phones": "téléphones", "address": "adresse", "access": "accès",
	"access_notes": "accès", "alerts": "alertes", "outcome": "issue de la visite", "status": "statut",
	"status_note": "motif", "notes": "notes", "first_name": "prénom", "last_name": "nom",
	"birth_name": "nom de naissance", "used_name": "nom d'usage", "birth_date": "date de naissance",
	"sex": "sexe", "ins": "INS", "nir": "NIR", "contacts": "contacts", "allergies": "allergies",
	"pathologies": "pathologies", "treatments": "traitements", "absences": "absences",
	"primary_nurse": "infirmière référente", "household": "foyer", "archived": "archivage",
	"label": "libellé", "cotation": "cotation", "acts": "cotation", "prescriber": "prescripteur",
	"prescribed_on": "date de prescription", "ends_on": "fin de prescription",
	"recurrence": "fréquence", "windows": "créneaux", "window": "créneau", "duration_min": "durée",
	"strict": "horaire strict", "fasting": "à jeun", "nurse_id": "infirmière",
	"done_at": "heure du soin", "done_by": "soin fait par", "actual_min": "durée réelle",
	"order": "ordre de passage", "planned_arrival": "heure prévue", "pinned": "épinglage",
	"items": "soins", "name": "nom", "shifts": "horaires", "role": "rôle", "rpps": "RPPS",
	"adeli": "ADELI", "replacement": "remplacement", "start": "départ", "end": "arrivée",
	"lab": "laboratoire", "siret": "SIRET", "finess": "FINESS", "nurse_ids": "infirmières du cabinet",
	"skills": "compétences", "color": "couleur", "travel_profile": "déplacements",
	"preferred_nurse": "infirmière préférée", "not_before": "pas avant",
	"date": "date", "kind": "type de soin", "cible": "cible", "donnees": "données",
	"actions": "actions", "resultats": "résultats", "text": "texte", "author_id": "auteur",
	"city": "commune", "postal_code": "code postal", "line": "adresse", "billing": "facturation",
	"contract_from": "début du contrat", "contract_to": "fin du contrat", "share": "rétrocession",
	"authorisation_number": "numéro d'autorisation", "authorisation_from": "début de l'autorisation",
	"authorisation_until": "fin de l'autorisation", "titulaires": "titulaires", "remplacant": "remplaçante",
	"current_nurse": "infirmière du jour", "round": "tournée", "reason": "motif", "drug": "médicament",
}

// FieldName is the French name of a stored record's JSON field; a field
// not listed keeps its JSON name rather than showing nothing.
func FieldName(field string) string {
	if n, ok := fieldNames[field]; ok {
		return n
	}
	return field
}
