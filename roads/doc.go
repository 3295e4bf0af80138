// Package roads gives the rounds real road times and kilometres, offline:
// it imports a regional OpenStreetMap extract (PBF) into a compact car
// network kept beside the base, snaps each patient's door to the nearest
// road a car may use, and answers travel matrices with one Dijkstra per
// source, forbidden turns and one-way streets included. The planner sees it
// as a travel model.
package roads
