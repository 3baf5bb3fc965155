package sql

// queries holds every statement in the dialect's SQL, built once by New.
type queries struct {
	createUser, getUser, getUserByEmail, getUserByAccount, updateUser, deleteUser string
	deleteUserSessions, deleteUserAccounts, deleteUserAuthenticators              string
	linkAccount, unlinkAccount, getAccount, updateAccount                         string
	createSession, getSession, getSessionAndUser, updateSession, deleteSession    string
	listUserSessions, deleteExpiredSessions, deleteExpiredTokens                  string
	createToken, getToken, useToken                                               string
	createAuthenticator, getAuthenticator, listAuthenticators, updateCounter      string
	updateAuthenticatorUse, renameAuthenticator, deleteAuthenticator              string
	revoke, revokedBefore                                                         string
	revokeSession, sessionRevoked, deleteExpiredRevoked                           string
}

const (
	userCols     = `id, name, email, "emailVerified", image, role`
	userColsU    = `u.id, u.name, u.email, u."emailVerified", u.image, u.role`
	accountCols  = `"userId", type, provider, "providerAccountId", refresh_token, access_token, expires_at, token_type, scope, id_token, session_state`
	sessionCols  = `"sessionToken", "userId", expires, "createdAt", "lastSeenAt", "userAgent", ip`
	sessionColsS = `s."sessionToken", s."userId", s.expires, s."createdAt", s."lastSeenAt", s."userAgent", s.ip`
	authCols     = `"credentialID", "userId", "providerAccountId", "credentialPublicKey", counter, "credentialDeviceType", "credentialBackedUp", transports, "userHandle", aaguid, name, "createdAt", "lastUsedAt"`
)

func buildQueries(d Dialect, tables replacer) queries {
	p := func(q string) string { return d.prepare(q, tables) }
	ret := func(cols string) string {
		if d.returning() {
			return " RETURNING " + cols
		}
		return ""
	}
	q := queries{
		createUser:       p(`INSERT INTO {users} (` + userCols + `) VALUES (?, ?, ?, ?, ?, ?)`),
		getUser:          p(`SELECT ` + userCols + ` FROM {users} WHERE id = ?`),
		getUserByEmail:   p(`SELECT ` + userCols + ` FROM {users} WHERE email = ?`),
		getUserByAccount: p(`SELECT ` + userColsU + ` FROM {users} u JOIN {accounts} a ON a."userId" = u.id WHERE a.provider = ? AND a."providerAccountId" = ?`),
		updateUser:       p(`UPDATE {users} SET name = ?, email = ?, "emailVerified" = ?, image = ?, role = ? WHERE id = ?` + ret(userCols)),
		deleteUser:       p(`DELETE FROM {users} WHERE id = ?`),

		deleteUserSessions:       p(`DELETE FROM {sessions} WHERE "userId" = ?`),
		deleteUserAccounts:       p(`DELETE FROM {accounts} WHERE "userId" = ?`),
		deleteUserAuthenticators: p(`DELETE FROM {authenticators} WHERE "userId" = ?`),

		linkAccount:   p(`INSERT INTO {accounts} (id, ` + accountCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		unlinkAccount: p(`DELETE FROM {accounts} WHERE provider = ? AND "providerAccountId" = ?`),
		getAccount:    p(`SELECT ` + accountCols + ` FROM {accounts} WHERE provider = ? AND "providerAccountId" = ?`),
		updateAccount: p(`UPDATE {accounts} SET refresh_token = ?, access_token = ?, expires_at = ?, token_type = ?, scope = ?, id_token = ?, session_state = ? WHERE provider = ? AND "providerAccountId" = ?`),

		createSession:     p(`INSERT INTO {sessions} (id, ` + sessionCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		getSession:        p(`SELECT ` + sessionCols + ` FROM {sessions} WHERE "sessionToken" = ?`),
		getSessionAndUser: p(`SELECT ` + sessionColsS + `, ` + userColsU + ` FROM {sessions} s JOIN {users} u ON u.id = s."userId" WHERE s."sessionToken" = ?`),
		updateSession:     p(`UPDATE {sessions} SET expires = ?, "lastSeenAt" = COALESCE(?, "lastSeenAt") WHERE "sessionToken" = ?` + ret(sessionCols)),
		deleteSession:     p(`DELETE FROM {sessions} WHERE "sessionToken" = ?` + ret(sessionCols)),

		listUserSessions:      p(`SELECT ` + sessionCols + ` FROM {sessions} WHERE "userId" = ? AND expires > ? ORDER BY "createdAt" DESC`),
		deleteExpiredSessions: p(`DELETE FROM {sessions} WHERE expires <= ?`),
		deleteExpiredTokens:   p(`DELETE FROM {verification_token} WHERE expires <= ?`),

		createToken: p(`INSERT INTO {verification_token} (identifier, expires, token) VALUES (?, ?, ?)`),
		getToken:    p(`SELECT identifier, token, expires FROM {verification_token} WHERE identifier = ? AND token = ?`),
		useToken:    p(`DELETE FROM {verification_token} WHERE identifier = ? AND token = ?` + ret("identifier, token, expires")),

		createAuthenticator: p(`INSERT INTO {authenticators} (` + authCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		getAuthenticator:    p(`SELECT ` + authCols + ` FROM {authenticators} WHERE "credentialID" = ?`),
		listAuthenticators:  p(`SELECT ` + authCols + ` FROM {authenticators} WHERE "userId" = ? ORDER BY "credentialID"`),
		updateCounter:       p(`UPDATE {authenticators} SET counter = ? WHERE "credentialID" = ?` + ret(authCols)),

		updateAuthenticatorUse: p(`UPDATE {authenticators} SET counter = ?, "credentialBackedUp" = ?, "lastUsedAt" = ? WHERE "credentialID" = ?` + ret(authCols)),
		renameAuthenticator:    p(`UPDATE {authenticators} SET name = ? WHERE "userId" = ? AND "credentialID" = ?` + ret(authCols)),
		deleteAuthenticator:    p(`DELETE FROM {authenticators} WHERE "userId" = ? AND "credentialID" = ?`),

		revokedBefore: p(`SELECT "revokedBefore" FROM {revocations} WHERE "userId" = ?`),

		sessionRevoked:       p(`SELECT 1 FROM {revoked_sessions} WHERE "sessionId" = ?`),
		deleteExpiredRevoked: p(`DELETE FROM {revoked_sessions} WHERE expires <= ?`),
	}
	switch d {
	case Postgres:
		q.revoke = p(`INSERT INTO {revocations} ("userId", "revokedBefore") VALUES (?, ?) ON CONFLICT ("userId") DO UPDATE SET "revokedBefore" = GREATEST({revocations}."revokedBefore", EXCLUDED."revokedBefore")`)
		q.revokeSession = p(`INSERT INTO {revoked_sessions} ("sessionId", expires) VALUES (?, ?) ON CONFLICT ("sessionId") DO UPDATE SET expires = GREATEST({revoked_sessions}.expires, EXCLUDED.expires)`)
	case SQLite:
		q.revoke = p(`INSERT INTO {revocations} ("userId", "revokedBefore") VALUES (?, ?) ON CONFLICT ("userId") DO UPDATE SET "revokedBefore" = MAX("revokedBefore", excluded."revokedBefore")`)
		q.revokeSession = p(`INSERT INTO {revoked_sessions} ("sessionId", expires) VALUES (?, ?) ON CONFLICT ("sessionId") DO UPDATE SET expires = MAX(expires, excluded.expires)`)
	case MySQL:
		q.revoke = p(`INSERT INTO {revocations} ("userId", "revokedBefore") VALUES (?, ?) ON DUPLICATE KEY UPDATE "revokedBefore" = GREATEST("revokedBefore", VALUES("revokedBefore"))`)
		q.revokeSession = p(`INSERT INTO {revoked_sessions} ("sessionId", expires) VALUES (?, ?) ON DUPLICATE KEY UPDATE expires = GREATEST(expires, VALUES(expires))`)
	}
	return q
}
