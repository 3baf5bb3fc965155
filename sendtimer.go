package authgo

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// sendTimer keeps a moving average of how long one kind of mail took to
// send (from the start of the request's work to the mail accepted), so
// that a request that sends nothing — an unknown address — is answered
// after about the same time. Each flow has its own: a sign-in mail, a
// reset and a resend do different work before they send. Until its first
// real send a zero sendTimer waits about 250 ms.
type sendTimer struct{ nanos atomic.Int64 }

const initialSendTime = 250 * time.Millisecond

// record adds the duration of a real send: the first one is the average,
// later ones weigh 1/8.
func (s *sendTimer) record(d time.Duration) {
	for {
		old := s.nanos.Load()
		next := int64(max(d, 1))
		if old != 0 {
			next = old + (int64(d)-old)/8
		}
		if s.nanos.CompareAndSwap(old, next) {
			return
		}
	}
}

// waitLike waits until about the average send time has passed since start
// (±25%), or ctx ends.
func (s *sendTimer) waitLike(ctx context.Context, start time.Time) {
	avg := time.Duration(s.nanos.Load())
	if avg == 0 {
		avg = initialSendTime
	}
	d := avg*3/4 + time.Duration(rand.Int64N(int64(avg)/2+1)) - time.Since(start)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
