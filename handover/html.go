package handover

import (
	"bytes"
	"html/template"

	"tournee/french"
	"tournee/patients"
)

// htmlPage draws a Report as one self-contained page: no script, font or
// image from outside, because the file is opened offline on the remplaçant's
// laptop or printed, and must leak nothing to a third-party server. Alerts
// are marked by a sign and bold type as well as colour, so they survive a
// black-and-white printer. html/template escapes every text.
var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}{{if .Subtitle}} — {{.Subtitle}}{{end}}</title>
<style>
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #111; max-width: 48em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin: 0 0 .2em; }
.subtitle { font-size: 12pt; color: #333; margin: 0 0 .8em; }
.meta { border-top: 2px solid #111; border-bottom: 1px solid #999; padding: .4em 0; margin: 0 0 1em; }
.meta div, .lines div { margin: .1em 0; }
.label { font-weight: bold; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; margin: 1.4em 0 .4em; padding-bottom: .1em; }
.entry { margin: .35em 0; }
.text { white-space: pre-line; }
.entry.alert { color: #a00000; font-weight: bold; border-left: 4px solid #a00000; padding-left: .5em; }
.lines { margin: .1em 0 0 1.5em; }
.empty { font-style: italic; color: #444; }
footer { margin-top: 2em; border-top: 1px solid #999; padding-top: .4em; font-size: 9pt; color: #333; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  @page { size: A4; margin: 15mm; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section.newpage { break-before: page; page-break-before: always; }
  .entry { break-inside: avoid; page-break-inside: avoid; }
  .entry.alert { color: #000; }
}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{- if .Subtitle}}
<p class="subtitle">{{.Subtitle}}</p>
{{- end}}
{{- if .Meta}}
<div class="meta">
{{- range .Meta}}
<div><span class="label">{{.Label}} :</span> {{.Value}}</div>
{{- end}}
</div>
{{- end}}
</header>
<main>
{{- range .Sections}}
<section{{if .NewPage}} class="newpage"{{end}}>
<h2>{{.Heading}}</h2>
{{- range .Entries}}
<div class="entry{{if .Alert}} alert{{end}}">{{if .Alert}}<strong>⚠ {{.Label}}{{if .Label}}{{if .Text}} :{{end}}{{end}}</strong>{{else if .Label}}<span class="label">{{.Label}}{{if .Text}} :{{end}}</span>{{end}}{{if .Text}} <span class="text">{{.Text}}</span>{{end}}
{{- if .Lines}}
<div class="lines">
{{- range .Lines}}
<div><span class="label">{{.Label}} :</span> <span class="text">{{.Value}}</span></div>
{{- end}}
</div>
{{- end}}
</div>
{{- else}}
<p class="empty">{{.Empty}}</p>
{{- end}}
</section>
{{- end}}
</main>
{{- if .Footer}}
<footer>{{.Footer}}</footer>
{{- else if .Created}}
<footer>Établi le {{.Created}}</footer>
{{- end}}
</body>
</html>
`))

// htmlReport is the Report with what the template cannot compute itself.
type htmlReport struct {
	Report
	Created string
}

// RenderHTML returns a self-contained HTML5 page of any Report, readable on
// screen and printable (A4), with every text escaped.
func RenderHTML(r Report) []byte {
	v := htmlReport{Report: r}
	if !r.Created.IsZero() {
		v.Created = french.ShortDate(patients.DateOf(r.Created))
	}
	var b bytes.Buffer
	// The template is fixed and its data plain strings: Execute can fail only
	// on a bug in the template, which the tests catch.
	if err := htmlPage.Execute(&b, v); err != nil {
		panic("handover: html template: " + err.Error())
	}
	return b.Bytes()
}
