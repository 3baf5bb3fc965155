package password

// This file computes Argon2id (RFC 9106, version 0x13) itself instead of
// calling golang.org/x/crypto/argon2.IDKey, which gives the same bytes, for
// two reasons that matter to a server under a login flood:
//
//   - IDKey allocates a fresh work area on every call (19 MiB with the
//     default parameters). With a small live heap every such allocation
//     starts a garbage collection and the fresh pages are zeroed and
//     faulted in again, so a server hashing a dozen passwords a second runs
//     about one GC cycle per hash. Here the work area comes from a free
//     list and is reused: a hash allocates nothing, no more areas exist
//     than hashes may run at once (the bound of SetMaxConcurrent), and the
//     list lets them go when hashing stops (workarea.go).
//   - IDKey runs to the end once started; the goroutine keeps its P until
//     the runtime preempts it (after 10 ms), so with two Ps a ready session
//     read can wait that long for one. Here the computation yields the
//     processor (runtime.Gosched) every yieldBlocks blocks, a fraction of a
//     millisecond, so other goroutines run between two stretches of hashing.
//     On Linux it also runs on a thread of its own at a lower priority
//     (lowprio_linux.go), so the kernel gives a CPU to the process's other
//     threads first. A yield there is a thread hand-off and costs time
//     (50-55 ms a default hash, 38-41 ms without yields, on the development
//     machine), but without them a session read waits for the hash's P
//     again (bench/hash-flood's p99 up to 3 ms against 1.1-1.4 ms).
//
// It is written from RFC 9106 alone, in portable Go (x/crypto has SSE4.1
// assembly on amd64, so this one is slower per hash; DEVELOPERS.md's Speed
// section has the figures); BLAKE2b is golang.org/x/crypto/blake2b. Lanes
// (p > 1) are computed one after the other in one goroutine: one hash takes
// one of the bound's slots and one CPU, whatever its parallelism. The
// differential fuzz test FuzzArgon2IDMatchesXCrypto and RFC 9106's test
// vector check it.

import (
	"encoding/binary"
	"math/bits"
	"runtime"

	"golang.org/x/crypto/blake2b"
)

const (
	argonVersion = 0x13 // RFC 9106 §3.2: v
	argonTypeID  = 2    // RFC 9106 §3.2: y for Argon2id
	syncPoints   = 4    // SL, the slices of a pass (RFC 9106 §3.4)
	blockBytes   = 1024
	blockWords   = blockBytes / 8
	// yieldBlocks is how many blocks are computed between two calls to
	// runtime.Gosched: about 0.25 ms of work on a current x86 core (under 1 µs a block).
	yieldBlocks = 256
)

// block is one 1 KiB block of the memory matrix, as 128 little-endian
// 64-bit words.
type block [blockWords]uint64

// argon2id returns the Argon2id tag of password and salt, with the secret
// K and associated data X of RFC 9106 (nil in this package's hashes), t
// passes over m KiB of memory in p lanes and a tag of keyLen bytes. It
// gives the bytes x/crypto's argon2.IDKey(password, salt, t, m, p, keyLen)
// gives. t and p must be at least 1 and keyLen at least 4. It runs on a
// hashing thread of lower CPU priority (lowPriority).
func argon2id(password, salt, secret, data []byte, t, m uint32, p uint8, keyLen uint32) (key []byte) {
	lowPriority(func() { key = argon2idNow(password, salt, secret, data, t, m, p, keyLen, yieldBlocks) })
	return key
}

// argon2idNow is argon2id on the caller's thread, yielding the processor
// every yieldEvery blocks (never when 0).
func argon2idNow(password, salt, secret, data []byte, t, m uint32, p uint8, keyLen uint32, yieldEvery int) []byte {
	lanes := uint32(p)
	h0 := initialHash(password, salt, secret, data, t, m, lanes, keyLen)

	// m' = 4p·⌊m/4p⌋, at least 8p blocks (RFC 9106 §3.2, step 3).
	blocks := max(m, 2*syncPoints*lanes) / (syncPoints * lanes) * (syncPoints * lanes)
	laneLen := blocks / lanes
	area := workAreas.get(int(blocks))
	defer workAreas.put(area)

	// The first two blocks of every lane (RFC 9106 §3.2, steps 4 and 5).
	var in [blake2b.Size + 8]byte
	copy(in[:], h0[:])
	var buf [blockBytes]byte
	for l := range lanes {
		for j := range uint32(2) {
			binary.LittleEndian.PutUint32(in[blake2b.Size:], j)
			binary.LittleEndian.PutUint32(in[blake2b.Size+4:], l)
			variableHash(buf[:], in[:])
			area[l*laneLen+j].load(&buf)
		}
	}

	f := filler{area: area, lanes: lanes, laneLen: laneLen, segLen: laneLen / syncPoints, passes: t, blocks: blocks, yieldEvery: yieldEvery}
	for pass := range t {
		for slice := range uint32(syncPoints) {
			// The lanes of one slice depend only on earlier slices, so
			// computing them one after another gives what computing them
			// at once gives.
			for lane := range lanes {
				f.segment(pass, slice, lane)
			}
		}
	}

	// The final block is the XOR of every lane's last block (step 7).
	final := area[laneLen-1]
	for l := uint32(1); l < lanes; l++ {
		last := &area[l*laneLen+laneLen-1]
		for i := range final {
			final[i] ^= last[i]
		}
	}
	final.store(&buf)
	tag := make([]byte, keyLen)
	variableHash(tag, buf[:])
	clear(buf[:])
	return tag
}

// initialHash is H0 of RFC 9106 §3.2, step 1.
func initialHash(password, salt, secret, data []byte, t, m, lanes, keyLen uint32) [blake2b.Size]byte {
	h, _ := blake2b.New512(nil) // no key: no error
	var w [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(w[:], v)
		h.Write(w[:])
	}
	put(lanes)
	put(keyLen)
	put(m)
	put(t)
	put(argonVersion)
	put(argonTypeID)
	for _, b := range [][]byte{password, salt, secret, data} {
		put(uint32(len(b)))
		h.Write(b)
	}
	var out [blake2b.Size]byte
	h.Sum(out[:0])
	return out
}

// variableHash fills out with H' of RFC 9106 §3.3, the variable-length
// hash built on BLAKE2b: H^T(LE32(T) || in) when T = len(out) is at most
// 64, else the first 32 bytes of each of a chain of 64-byte hashes and the
// whole of a last, shorter one.
func variableHash(out, in []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(out)))
	if len(out) <= blake2b.Size {
		h, _ := blake2b.New(len(out), nil) // a size of 1 to 64: no error
		h.Write(n[:])
		h.Write(in)
		h.Sum(out[:0])
		return
	}
	h, _ := blake2b.New512(nil)
	h.Write(n[:])
	h.Write(in)
	var v [blake2b.Size]byte
	h.Sum(v[:0])
	r := (len(out)+31)/32 - 2
	copy(out, v[:32])
	for i := 1; i < r; i++ {
		v = blake2b.Sum512(v[:])
		copy(out[32*i:], v[:32])
	}
	last := len(out) - 32*r
	h, _ = blake2b.New(last, nil) // 33 to 64 bytes: no error
	h.Write(v[:])
	h.Sum(out[32*r : 32*r])
}

func (b *block) load(in *[blockBytes]byte) {
	for i := range b {
		b[i] = binary.LittleEndian.Uint64(in[8*i:])
	}
}

func (b *block) store(out *[blockBytes]byte) {
	for i, w := range b {
		binary.LittleEndian.PutUint64(out[8*i:], w)
	}
}

// filler computes the segments of one hash's memory matrix.
type filler struct {
	area                    []block
	lanes, laneLen, segLen  uint32
	passes, blocks          uint32
	sinceYield, yieldEvery  int
	addresses, input, zeros block
}

// segment computes the blocks of one segment (RFC 9106 §3.4): lane's part
// of slice in pass.
func (f *filler) segment(pass, slice, lane uint32) {
	// Argon2id takes reference blocks data-independently (Argon2i) in the
	// first two slices of the first pass, from the previous block's first
	// word (Argon2d) everywhere else (RFC 9106 §3.4.1.3).
	independent := pass == 0 && slice < syncPoints/2
	first := uint32(0)
	if pass == 0 && slice == 0 {
		first = 2 // blocks 0 and 1 were made from H0
	}
	if independent {
		f.input = block{}
		f.input[0], f.input[1], f.input[2] = uint64(pass), uint64(lane), uint64(slice)
		f.input[3], f.input[4], f.input[5] = uint64(f.blocks), uint64(f.passes), argonTypeID
	}
	laneStart := lane * f.laneLen
	for i := first; i < f.segLen; i++ {
		j := slice*f.segLen + i // the block's index in its lane
		cur := laneStart + j
		prev := cur - 1
		if j == 0 {
			prev = laneStart + f.laneLen - 1 // the lane's last block, from the previous pass
		}
		var rand uint64
		if independent {
			if i == first || i%blockWords == 0 {
				f.nextAddresses()
			}
			rand = f.addresses[i%blockWords]
		} else {
			rand = f.area[prev][0]
		}
		ref := f.reference(pass, slice, lane, i, rand)
		compress(&f.area[cur], &f.area[prev], &f.area[ref], pass > 0)
		if f.sinceYield++; f.sinceYield == f.yieldEvery {
			f.sinceYield = 0
			runtime.Gosched()
		}
	}
}

// nextAddresses makes the next block of pseudo-random values of the
// data-independent addressing: G(0, G(0, Z)) with Z's counter increased
// (RFC 9106 §3.4.1.2).
func (f *filler) nextAddresses() {
	f.input[6]++
	compress(&f.addresses, &f.zeros, &f.input, false)
	compress(&f.addresses, &f.zeros, &f.addresses, false)
}

// reference maps the pseudo-random value rand of block i of a segment to
// the index of its reference block in the whole area (RFC 9106 §3.4.1.1
// and §3.4.2).
func (f *filler) reference(pass, slice, lane, i uint32, rand uint64) uint32 {
	refLane := uint32(rand>>32) % f.lanes
	if pass == 0 && slice == 0 {
		refLane = lane
	}
	// The blocks it may reference, W: those finished in refLane (every
	// segment but the current slice's after the first pass, the earlier
	// slices' in it), plus the ones already made in this segment when it is
	// the current lane; never the block just made (the previous one), and
	// not another lane's last finished block while it is being made.
	var area uint32
	switch {
	case pass == 0 && slice == 0:
		area = i - 1
	case pass == 0 && refLane == lane:
		area = slice*f.segLen + i - 1
	case pass == 0:
		area = slice * f.segLen
	case refLane == lane:
		area = f.laneLen - f.segLen + i - 1
	default:
		area = f.laneLen - f.segLen
	}
	if refLane != lane && i == 0 {
		area--
	}
	// φ(J1): a position in W skewed towards its most recent blocks.
	x := rand & 0xffffffff
	x = x * x >> 32
	rel := uint64(area) - 1 - (uint64(area) * x >> 32)
	// W starts after the current slice in passes after the first.
	start := uint64(0)
	if pass > 0 && slice != syncPoints-1 {
		start = uint64((slice + 1) * f.segLen)
	}
	return refLane*f.laneLen + uint32((start+rel)%uint64(f.laneLen))
}

// compress sets out to G(x, y) (RFC 9106 §3.5), or XORs G(x, y) into it
// when xor is set (passes after the first, version 0x13). out may be x or
// y.
func compress(out, x, y *block, xor bool) {
	var q block
	for i := range q {
		q[i] = x[i] ^ y[i]
	}
	// P on each row of eight 16-byte registers (16 consecutive words),
	// then on each column (the words 2i and 2i+1 of every row).
	for row := 0; row < blockWords; row += 16 {
		permuteRow((*[16]uint64)(q[row : row+16]))
	}
	for col := 0; col < 16; col += 2 {
		permuteColumn((*[114]uint64)(q[col : col+114]))
	}
	// The result is P's output XOR its input, x XOR y, read again rather
	// than kept in a second block.
	if xor {
		for i := range out {
			out[i] ^= q[i] ^ x[i] ^ y[i]
		}
		return
	}
	for i := range out {
		out[i] = q[i] ^ x[i] ^ y[i]
	}
}

// mix is half of the function GB of RFC 9106 §3.6, BLAKE2b's mixing with
// each addition a + b made a + b + 2·lo(a)·lo(b), lo being the low 32
// bits; GB is mix with rotations 32 and 24, then mix with 16 and 63. (Half
// of it, so that the compiler inlines it.)
func mix(a, b, c, d uint64, r1, r2 int) (uint64, uint64, uint64, uint64) {
	a += b + 2*(a&0xffffffff)*(b&0xffffffff)
	d = bits.RotateLeft64(d^a, -r1)
	c += d + 2*(c&0xffffffff)*(d&0xffffffff)
	b = bits.RotateLeft64(b^c, -r2)
	return a, b, c, d
}

// permuteRow applies the permutation P of RFC 9106 §3.6 to one row: the
// eight registers of 16 consecutive words v0 … v15. P is GB on the columns
// of the 4×4 matrix of words, then on its diagonals. Each GB loads and
// stores its four words, which keeps fewer values live than holding all
// sixteen in variables (amd64 has fewer registers than that).
func permuteRow(q *[16]uint64) {
	q[0], q[4], q[8], q[12] = gb(q[0], q[4], q[8], q[12])
	q[1], q[5], q[9], q[13] = gb(q[1], q[5], q[9], q[13])
	q[2], q[6], q[10], q[14] = gb(q[2], q[6], q[10], q[14])
	q[3], q[7], q[11], q[15] = gb(q[3], q[7], q[11], q[15])
	q[0], q[5], q[10], q[15] = gb(q[0], q[5], q[10], q[15])
	q[1], q[6], q[11], q[12] = gb(q[1], q[6], q[11], q[12])
	q[2], q[7], q[8], q[13] = gb(q[2], q[7], q[8], q[13])
	q[3], q[4], q[9], q[14] = gb(q[3], q[4], q[9], q[14])
}

// permuteColumn applies P to one column: the pairs of words 16 apart
// starting at q[0], one register of each row, as v0 … v15.
func permuteColumn(q *[114]uint64) {
	q[0], q[32], q[64], q[96] = gb(q[0], q[32], q[64], q[96])
	q[1], q[33], q[65], q[97] = gb(q[1], q[33], q[65], q[97])
	q[16], q[48], q[80], q[112] = gb(q[16], q[48], q[80], q[112])
	q[17], q[49], q[81], q[113] = gb(q[17], q[49], q[81], q[113])
	q[0], q[33], q[80], q[113] = gb(q[0], q[33], q[80], q[113])
	q[1], q[48], q[81], q[96] = gb(q[1], q[48], q[81], q[96])
	q[16], q[49], q[64], q[97] = gb(q[16], q[49], q[64], q[97])
	q[17], q[32], q[65], q[112] = gb(q[17], q[32], q[65], q[112])
}

// gb is GB of RFC 9106 §3.6: mix with rotations 32 and 24, then 16 and 63.
func gb(a, b, c, d uint64) (uint64, uint64, uint64, uint64) {
	a, b, c, d = mix(a, b, c, d, 32, 24)
	return mix(a, b, c, d, 16, 63)
}
