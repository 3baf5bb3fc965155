module github.com/authgo/authgo

go 1.26
