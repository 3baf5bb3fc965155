package account

import "time"

// Session describes one database session of a user, for a "your sessions"
// page (authgo.Auth.ListUserSessions). ID identifies it without revealing
// its token; authgo.Auth.RevokeSession takes it.
type Session struct {
	ID         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Expires    time.Time
	UserAgent  string
	IP         string
	// Current is set for the session of the request passed to
	// ListUserSessions.
	Current bool
}
