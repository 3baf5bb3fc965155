// Package e2e holds authgo's end-to-end tests: a real browser, real routers
// and other parts that only tests need. It is its own module so that none of
// those dependencies enter the module graph of a program that uses authgo;
// the go.work file at the repository root puts both modules in one
// workspace, and the test command is
//
//	go test ./... ./e2e/...
package e2e
