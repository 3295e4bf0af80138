package storage

import (
	"runtime"
	"slices"
	"sync"

	"tournee/storage/replica"
)

// opLoss is a lost concurrent edit and the index of the operation that
// found it, to list conflicts in the order a one-by-one merge finds them.
type opLoss struct {
	op int
	replica.Loss
}

// mergeRecords merges into each loaded record the operations noted in its ops,
// in their order. Records are independent (an operation touches one), so
// they are merged on every core: the result of each depends on its own
// operations only, and the losses come back sorted by operation, as a
// merge of the operations one by one would find them.
func mergeRecords(recs []*cached, ops []replica.Op) []opLoss {
	workers := min(runtime.GOMAXPROCS(0), max(len(recs)/256, 1))
	found := make([][]opLoss, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				found[w] = recs[i].merge(ops, found[w])
			}
		})
	}
	wg.Wait()
	losses := slices.Concat(found...)
	// An operation's losses are all of one record, found by one worker in
	// order: a stable sort keeps them so.
	slices.SortStableFunc(losses, func(a, b opLoss) int { return a.op - b.op })
	return losses
}

// merge applies the record's operations and appends the losses to out.
func (c *cached) merge(ops []replica.Op, out []opLoss) []opLoss {
	for _, i := range c.ops {
		op := ops[i]
		if op.V > c.version {
			c.version = op.V
		}
		changed, losses := c.rec.Apply(op)
		c.changed = c.changed || changed
		c.touched = true
		for _, l := range losses {
			out = append(out, opLoss{i, l})
		}
	}
	c.ops = nil
	return out
}
