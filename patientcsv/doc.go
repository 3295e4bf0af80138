// Package patientcsv imports and exports patients as CSV, the format nurses
// already keep their patient lists in (Excel, LibreOffice).
//
// Read parses a file into patients and reports each refused row with its
// line and reason; it writes nothing anywhere. The caller decides what to
// do with a partly bad file (the CLI imports nothing unless --skip-invalid).
// Write exports patients in the same format.
//
// # File
//
// Encoding: UTF-8, with or without BOM, or Windows-1252 (Excel's
// « CSV (séparateur : point-virgule) »). A file that is not valid UTF-8 is
// read as Windows-1252. UTF-16 (« Texte Unicode ») is refused.
//
// Separator: ";" or ",", whichever appears more often in the header line.
// Cells containing the separator, a quote or a line break are quoted the
// usual way ("…", with inner quotes doubled). In a "," file a decimal comma
// must therefore be quoted: "50,95".
//
// Line numbers in messages are the row numbers a spreadsheet shows, the
// header being line 1: a quoted cell spanning several physical lines is
// one row, as in Excel. Blank rows count as rows but are skipped, as are
// rows whose cells are all empty (";;;;").
//
// Headers: the first non-blank row. Each header is matched ignoring case,
// accents, spaces, punctuation, plurals and the words de, d', du, des, la,
// le, les, l', à, au, aux: « Nom de naissance », « NOM_NAISSANCE » and
// « nom naissance » are the same column. Columns may come in any order;
// unknown columns are ignored and listed in Result.Unknown. A column named
// twice is refused.
//
// Every cell is trimmed. A cell starting with an apostrophe followed by
// one of = + - @ ' loses the apostrophe: Write adds it so that Excel shows
// such cells as text instead of running them as formulas.
//
// Lists (allergies, pathologies, traitements, alertes, telephone) are
// separated by "|" or by line breaks inside the cell (Alt+Entrée in Excel);
// telephone also accepts " / ". Write uses " | ".
//
// # Columns
//
// Mandatory columns: prenom, and nom_naissance or nom_usage. A row must
// then have a first name and one of the two names.
//
//	column                 meaning, format, example                          other accepted headers
//	nom_naissance          nom de naissance (INS); « DUPONT »                 nom, nom de famille, nom patient
//	nom_usage              nom d'usage; « MARTIN »                            nom usuel, nom marital, nom d'épouse
//	prenom                 prénom (obligatoire); « Jeanne »                   prénoms, premier prénom
//	date_naissance         AAAA-MM-JJ or JJ/MM/AAAA; « 15/03/1942 »          né le, née le, né(e) le, ddn
//	sexe                   F, M (or H) or U; « F »                           genre
//	nir                    matricule INS, 15 characters, spaces, dots and    numéro de sécurité sociale,
//	                       dashes allowed, key checked;                       n° de sécurité sociale, n° sécu,
//	                       « 2 79 03 51 215 189 89 »                          numéro sécu, matricule INS,
//	                                                                          INS, numéro INS
//	statut_ins             provisoire, récupérée, validée or qualifiée        statut de l'identité
//	                       (accents optional); needs nir
//	type_ins               NIR, NIA, test or démo (or the INS OID); empty:    OID INS
//	                       not known; needs nir
//	adresse                number and street; « 33 boulevard Jacquard »       rue, voie, adresse postale
//	complement             « Résidence Les Tilleuls, bât. B »                 complément d'adresse
//	code_postal            « 62100 »; a lost leading zero is put back         CP
//	commune                « Calais »                                         ville, localité
//	code_insee             commune code (COG); « 62193 »                      code commune
//	latitude               decimal degrees, point or comma; « 50,95 »         lat
//	longitude              decimal degrees, point or comma; « 1,85 »          lon, lng, long
//	digicode               « 4521B »                                          code porte, code d'entrée
//	boite_a_cles           key box code and place; « 1234, à gauche »         boîte à clés, boîte à clefs
//	etage                  « 3e sans ascenseur »                              étage
//	chien                  « oui, attaché dans le jardin »                    animaux, animal
//	stationnement          « devant le garage »                               parking
//	notes_acces            any other access note                             accès, infos accès
//	telephone              list; each number may end with a label in          tél, tel, téléphones
//	                       parentheses; « 06 12 34 56 78 (portable) | 03 21 00 00 00 (fixe) »
//	medecin_traitant       name; « Dr Leroy »                                 médecin
//	medecin_traitant_rpps  11 digits (spaces allowed); « 10000000009 »        RPPS, RPPS médecin (traitant)
//	telephone_medecin      one number                                         tél médecin
//	pharmacie              name; « Pharmacie du Centre »
//	telephone_pharmacie    one number                                         tél pharmacie
//	contact_famille        name, relation in parentheses;                     famille, contact,
//	                       « Marie Dupont (fille) »                           personne à prévenir
//	telephone_famille      one number                                         tél famille, téléphone contact
//	allergies              list; « pénicilline | latex »
//	pathologies            list; « diabète de type 2 | HTA »
//	traitements            list; « insuline lente 20 UI le soir »             médicaments
//	alertes                list; an item may start with « sécurité : »,       alerte
//	                       « visite à deux : » or « info : » (the default);
//	                       « sécurité : chien agressif | RDV labo le jeudi »
//	visite_a_deux          oui or non (also o/n, x, 1/0, vrai/faux); « oui »   binôme, à deux
//	                       adds the alert « Visite à deux soignants » unless
//	                       alertes already has a « visite à deux » item
//	foyer                  same value = same home (a couple); « DUPONT-12 »   ménage
//	notes                  free text, line breaks kept                        remarques, commentaires
//
// Every other column is optional, and an empty cell means "not known".
// When only one of latitude and longitude is given the row is refused;
// with both, the coordinates are marked as imported; with neither, the
// patient has no coordinates (the address is geocoded later).
//
// A row is refused when a cell cannot be read, when Patient.Validate
// refuses the patient (NIR key, birth year against the NIR, phone numbers…)
// or when its NIR already appeared on an earlier row. A spreadsheet drops
// the leading zero of postal codes, INSEE codes and phone numbers stored as
// numbers: Read puts it back and records a warning. It cannot do that for a
// NIR turned into 2,79035E+14, which refuses the row.
//
// # What the format does not carry
//
// The patient ID (the store assigns it), absences, the primary nurse,
// the archived flag, the coordinate source other than « import », contacts
// beyond the first médecin traitant, pharmacy and family contact (and
// every prescripteur, aidant or other contact), alert kinds other than
// info, sécurité and visite à deux. Write drops them, so export then import
// is not a backup.
package patientcsv
