// Package pages holds the browser tests of authgo's built-in pages
// (internal/pages): each page, served from an httptest server, is looked at
// in headless Chromium at a phone and a desktop size. They live in the e2e
// module so that chromedp stays out of the main module's graph.
package pages
