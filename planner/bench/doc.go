// Package bench measures the routing solver on published benchmarks: Solomon
// and Gehring–Homberger VRPTW instances, and Dumas TSPTW instances (the data
// and its conventions are described in shared/bench/README.md).
//
// It reads the instance files (ReadSolomon, ReadDumas), turns an instance
// into a solver.Problem under a chosen arc convention (Instance.Problem), and
// checks a solution with Check — a checker written from the instance's raw
// numbers, independent of the solver's own evaluation, so a bug in the solver
// cannot also hide in the verdict. ReadBKS and ReadRoutes read the best-known
// values and the published route files the results are compared with.
//
// Unlike the rest of planner, this package reads files: it is a measuring
// tool for developers, not part of a nurse's day.
package bench
