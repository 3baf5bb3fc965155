package email

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func msgTo(to string, n int) *Message {
	return &Message{From: "no-reply@example.com", To: to, Subject: fmt.Sprintf("n%d", n), Text: "t",
		Header: map[string]string{"X-N": fmt.Sprint(n)}}
}

func TestMemoryConcurrentAndBounded(t *testing.T) {
	mb := &Memory{Limit: 50}
	const workers, each = 8, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if err := mb.Send(context.Background(), msgTo(fmt.Sprintf("u%d@example.com", w), i)); err != nil {
					t.Error(err)
				}
				mb.Last(fmt.Sprintf("u%d@example.com", (w+1)%workers))
				_ = mb.Messages()
			}
		})
	}
	wg.Wait()
	all := mb.Messages()
	if len(all) != 50 || mb.Len() != 50 {
		t.Fatalf("kept %d messages, want the limit 50", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq != all[i-1].Seq+1 {
			t.Fatalf("not the newest, in order: seq %d after %d", all[i].Seq, all[i-1].Seq)
		}
	}
	if all[len(all)-1].Seq != workers*each {
		t.Errorf("last seq %d, want %d", all[len(all)-1].Seq, workers*each)
	}
}

func TestMemoryDefaultLimit(t *testing.T) {
	var mb Memory
	for i := range DefaultMemoryLimit + 7 {
		if err := mb.Send(context.Background(), msgTo("a@example.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	all := mb.Messages()
	if len(all) != DefaultMemoryLimit || all[0].Subject != "n7" {
		t.Errorf("kept %d, oldest %q; want %d from n7", len(all), all[0].Subject, DefaultMemoryLimit)
	}
	mb.Reset()
	if mb.Len() != 0 {
		t.Errorf("Reset kept %d", mb.Len())
	}
}

func TestMemoryLast(t *testing.T) {
	var mb Memory
	ctx := context.Background()
	for i, to := range []string{"ada@example.com", "Bob <bob@example.com>", "ADA@Example.com", "carl@example.com"} {
		if err := mb.Send(ctx, msgTo(to, i)); err != nil {
			t.Fatal(err)
		}
	}
	if d, ok := mb.Last("Ada Lovelace <ada@example.com>"); !ok || d.Subject != "n2" {
		t.Errorf("Last(ada) = %q, %v; want n2", d.Subject, ok)
	}
	if d, ok := mb.Last("bob@EXAMPLE.com"); !ok || d.Subject != "n1" {
		t.Errorf("Last(bob) = %q, %v; want n1", d.Subject, ok)
	}
	if _, ok := mb.Last("nobody@example.com"); ok {
		t.Errorf("Last found a message to nobody")
	}
	if _, ok := mb.Last("not an address"); ok {
		t.Errorf("Last found a message to a non-address")
	}
}

// TestMemoryKeepsCopies: changing a message after Send, or a message read
// back, does not change what the mailbox holds.
func TestMemoryKeepsCopies(t *testing.T) {
	var mb Memory
	m := msgTo("a@example.com", 1)
	if err := mb.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	m.Subject, m.Header["X-N"] = "changed", "changed"
	got, _ := mb.Last("a@example.com")
	got.Header["X-N"] = "changed too"
	again := mb.Messages()[0]
	if again.Subject != "n1" || again.Header["X-N"] != "1" {
		t.Errorf("stored message changed: %q %v", again.Subject, again.Header)
	}
}

func TestMemoryRefuses(t *testing.T) {
	var mb Memory
	var se *SendError
	err := mb.Send(context.Background(), &Message{From: "x", To: "a@example.com", Subject: "s", Text: "t"})
	if !errors.As(err, &se) || se.Step != StepMessage || !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("invalid message: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := mb.Send(ctx, msgTo("a@example.com", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if mb.Len() != 0 {
		t.Errorf("refused messages were kept")
	}
}
