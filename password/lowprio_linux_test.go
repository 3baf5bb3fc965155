//go:build linux

package password

import (
	"sync"
	"syscall"
	"testing"
)

// TestHashesRunNiced: a hash runs on a thread whose nice value is at
// least hashNice (and the process's own is left alone), and gives the
// same key as on the caller's thread.
func TestHashesRunNiced(t *testing.T) {
	own, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var nice int
			lowPriority(func() {
				p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
				if err != nil {
					t.Error(err)
				}
				nice = 20 - p
			})
			if nice < hashNice {
				t.Errorf("hash ran at nice %d, want at least %d", nice, hashNice)
			}
		}()
	}
	wg.Wait()
	if p, _ := syscall.Getpriority(syscall.PRIO_PROCESS, 0); p != own {
		t.Errorf("the process's priority changed from %d to %d", own, p)
	}
	want := argon2idNow([]byte("pw"), []byte("saltsaltsaltsalt"), nil, nil, 1, 64, 1, 32, yieldBlocks)
	if got := argon2id([]byte("pw"), []byte("saltsaltsaltsalt"), nil, nil, 1, 64, 1, 32); string(got) != string(want) {
		t.Fatal("the key on a hashing thread differs")
	}
}
