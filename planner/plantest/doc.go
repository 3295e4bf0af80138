// Package plantest makes synthetic cabinet days (GenerateDay) for the tests
// and benchmarks of the planner and of the packages that plan a day. It is
// for tests and benchmarks only: the tournee binary never imports it
// (TestBinaryLeavesOutPlantest checks the package graph).
package plantest
