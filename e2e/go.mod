module github.com/authgo/authgo/e2e

go 1.26.0

require github.com/authgo/authgo v0.0.0

replace github.com/authgo/authgo => ../
