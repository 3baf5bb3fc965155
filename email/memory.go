package email

import (
	"context"
	"maps"
	"strings"
	"sync"
	"time"
)

// DefaultMemoryLimit is how many messages a Memory keeps when its Limit is
// zero.
const DefaultMemoryLimit = 100

// Memory is a Sender that keeps messages in memory instead of sending them:
// for tests and for a development mailbox page. It is safe for concurrent
// use; the zero value is ready and keeps the last DefaultMemoryLimit
// messages.
//
// Memory validates each message as the SMTP sender does, so a message a
// test accepts is one a mail server would get. Never use it in production:
// every sign-in link it holds can be read by whoever can read the mailbox.
type Memory struct {
	// Limit is how many messages are kept; when one more arrives, the
	// oldest is dropped. Zero means DefaultMemoryLimit. Set it before the
	// first Send.
	Limit int

	mu   sync.Mutex
	msgs []Delivered
	seq  uint64
}

// Delivered is a message a Memory has received.
type Delivered struct {
	Message
	// Seq numbers the messages a Memory received, from 1.
	Seq uint64
	// At is when Send was called.
	At time.Time
}

// Send records a copy of m. It fails when ctx has ended or m is invalid,
// with a *SendError as the SMTP sender would.
func (mb *Memory) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return newSendError(StepDial, err)
	}
	if err := m.Validate(); err != nil {
		return newSendError(StepMessage, err)
	}
	c := *m
	c.Header = maps.Clone(m.Header)
	mb.mu.Lock()
	defer mb.mu.Unlock()
	mb.seq++
	mb.msgs = append(mb.msgs, Delivered{Message: c, Seq: mb.seq, At: time.Now()})
	if over := len(mb.msgs) - mb.limit(); over > 0 {
		// Copy so the dropped messages (and their links) are freed.
		mb.msgs = append([]Delivered(nil), mb.msgs[over:]...)
	}
	return nil
}

func (mb *Memory) limit() int {
	if mb.Limit > 0 {
		return mb.Limit
	}
	return DefaultMemoryLimit
}

// Messages returns the kept messages, oldest first. The slice and its
// messages are copies.
func (mb *Memory) Messages() []Delivered {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	out := make([]Delivered, len(mb.msgs))
	for i, d := range mb.msgs {
		d.Header = maps.Clone(d.Header)
		out[i] = d
	}
	return out
}

// Last returns the newest kept message to the address to, and whether there
// is one. Addresses compare without display name and without regard to case
// ("Ada <ADA@example.com>" matches "ada@example.com").
func (mb *Memory) Last(to string) (Delivered, bool) {
	want := addrSpec(to)
	if want == "" {
		return Delivered{}, false
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	for i := len(mb.msgs) - 1; i >= 0; i-- {
		if strings.EqualFold(addrSpec(mb.msgs[i].To), want) {
			d := mb.msgs[i]
			d.Header = maps.Clone(d.Header)
			return d, true
		}
	}
	return Delivered{}, false
}

// Len returns how many messages are kept.
func (mb *Memory) Len() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return len(mb.msgs)
}

// Reset drops every kept message.
func (mb *Memory) Reset() {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	mb.msgs = nil
}
