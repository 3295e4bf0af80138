package passphrase

import "strings"

// commonPasswords are the most used passwords in France and elsewhere, most
// common first (from public leak rankings: NordPass, ANSSI awareness
// material, the rockyou list); a rank is how soon an attacker tries it.
const commonPasswords = `123456 123456789 azerty password 12345678 111111 123123 000000 1234567890
qwerty 1234567 motdepasse soleil doudou loulou chouchou marseille bonjour azertyuiop 1234 12345
iloveyou princesse nicolas camille jetaime football qwertyuiop abc123 password1 123321 654321
666666 121212 987654321 7777777 159753 abcdef azerty123 azerty1 motdepasse1 admin admin123 root
toto tata titi coucou chocolat maman papa amour dragon monkey letmein sunshine master welcome
shadow superman batman pokemon naruto liverpool arsenal chelsea barcelona juventus olympique
psg om123 allezlom lolita celine julien thomas alexandre antoine pierre marie sophie nathalie
isabelle sandrine stephanie caroline aurelie emilie laura manon lucas hugo louis lea chloe
emma jade ines sarah anais pauline mathilde clement romain maxime kevin vincent nounours
poussin bisou bisous cheval chaton chaton1 lapin tigre lion loup licorne fleur rose violette
papillon etoile soleil1 lune jtm jtaime1 jetaime1 france france1 paris paris75 lyon bordeaux
lille toulouse nantes calais boulogne dunkerque infirmiere infirmier sante medecin hopital
patient soins docteur bienvenue secret secret1 confidentiel changeme changezmoi test test123
qwerty123 passw0rd p@ssw0rd trustno1 zaq12wsx 1q2w3e4r 1qaz2wsx q1w2e3r4 a1b2c3 aaaaaa
azertyui wxcvbn qsdfgh poiuytreza mdp mdp123 pass pass123 passe
`

// commonWords are frequent French and English words (and a few names), most
// common first: a passphrase made of one of them is one guess among a few
// thousand, whatever its length.
const commonWords = `de la le et les des en un une du est pas que qui dans pour au sur il elle je tu
nous vous ils on ce se ne plus par avec son sa ses mais ou donc ni car tout tous toute bien
tres fait faire etre avoir dit aller voir vouloir venir pouvoir prendre savoir moi toi lui
leur mon ma mes ton ta tes notre votre jour nuit matin soir temps an annee mois semaine heure
homme femme enfant fille fils pere mere frere soeur ami amie famille maison porte fenetre rue
ville pays monde vie mort main tete oeil yeux coeur corps pied bras eau feu terre air ciel
mer soleil lune etoile arbre fleur chat chien oiseau cheval vache poule lapin souris loup
rouge bleu vert jaune noir blanc gris rose petit grand bon mauvais beau belle jeune vieux
nouveau premier dernier autre meme seul chose mot phrase passe livre lettre papier table
chaise lit voiture train velo route chemin pain vin lait cafe the sucre sel beurre fromage
pomme poire fraise cerise orange citron tomate salade soupe gateau chocolat musique chanson
danse jeu film photo travail ecole classe maitre eleve docteur medecin infirmiere infirmier
soin soins patient malade sante hopital pharmacie visite tournee cabinet bonjour merci salut
oui non peut toujours jamais souvent encore deja demain hier aujourd aujourdhui ici la bas haut
vite lent fort doux chaud froid calme joie peur amour paix guerre force argent or fer bois
pierre verre sable neige pluie vent orage nuage printemps ete automne hiver lundi mardi
mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout
septembre octobre novembre decembre un deux trois quatre cinq six sept huit neuf dix cent
mille the be to of and a in that have it for not on with he as you do at this but his by
from they we say her she or an will my one all would there their what so up out if about
who get which go me when make can like time no just him know take people into year your
good some could them see other than then now look only come its over think also back after
use two how our work first well way even new want because any these give day most us love
life house home world hand eye heart water fire earth sky sun moon star tree flower cat dog
horse bird red blue green black white big small old young long little great high sun summer
winter spring autumn password secret correct horse battery staple dragon monkey master
music friend family mother father brother sister baby girl boy man woman king queen
happy sweet blue sky night morning evening money gold silver coffee tea sugar bread apple
nurse doctor care health`

// keyboardRows are the rows of French (AZERTY) and English (QWERTY)
// keyboards: walking along one is a sequence, not a secret.
var keyboardRows = []string{
	"azertyuiop", "qsdfghjklm", "wxcvbn",
	"qwertyuiop", "asdfghjkl", "zxcvbnm",
	"1234567890", "&é\"'(-è_çà",
	"azsxdcfvgbhnjk", "qazwsxedcrfvtgbyhnujmik", "aqwzsxedcrfvtgbyhnujikolp",
}

// ranked turns a list into word -> rank (1 for the first).
func ranked(list string) map[string]int {
	m := make(map[string]int)
	for i, w := range strings.Fields(list) {
		if _, dup := m[w]; !dup {
			m[w] = i + 1
		}
	}
	return m
}
