// Package pdfdoc renders a handover.Report as an A4 PDF. It is an edge
// package: the domain describes the document as data, this package owns the
// third-party rendering (go-pdf/fpdf) and does no file I/O.
//
// Fonts. Text is drawn with the Go fonts (golang.org/x/image/font/gofont),
// embedded as UTF-8 TrueType subsets, so French accents and typography
// (é, ç, œ, « », –, ’) are drawn and extracted (pdftotext) as typed.
//
// Characters the font cannot draw. The Go fonts cover about 700 characters
// (Latin, Greek, Cyrillic, common symbols), all in the Basic Multilingual
// Plane; fpdf cannot address anything beyond it. Rather than guessing from
// Unicode ranges, every character is looked up in the fonts themselves
// (sfnt.Font.GlyphIndex) and one that is missing is replaced:
//
//   - an emoji or emoji sequence (base, variation selector U+FE0F, skin tone,
//     ZWJ-joined parts, flag pairs, tags) becomes one bracketed French word
//     when its meaning is obvious (👍 « [pouce levé] », ❤️ « [cœur] »,
//     😀 « [sourire] », ⚠️ « [attention] », 🩹 « [pansement] »…) and
//     « [émoji] » otherwise; a nurse reading the printout must see that
//     something was there, not a blank or a box;
//   - another missing letter (a Chinese name, say) becomes U+FFFD « � »,
//     which the font has, so the gap stays visible without pretending to
//     know what it was;
//   - control and format characters (NUL, ESC, zero-width spaces, bidi
//     overrides, soft hyphens) and stray combining marks are dropped;
//     tabs become spaces and CR, CR LF, U+2028 and U+2029 become line breaks
//     where a line break is allowed.
//
// Text is normalised to NFC first, so a decomposed « e + ◌́ » (as macOS
// often types it) is drawn and extracted as « é ».
//
// Determinism. The PDF's creation and modification dates come from
// Report.Created (in UTC; the Unix epoch when it is zero), resource catalogs
// are sorted, and nothing depends on the clock or on map order, so the same
// report always gives the same bytes: a document attached to the DMP can be
// regenerated and compared.
package pdfdoc
