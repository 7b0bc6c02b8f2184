package serve

import (
	"context"
	"os"
	"slices"
	"time"
)

// fileState is what a poll sees of a file: enough to notice an edit in
// place, a rename over it (editors, kubectl cp, config management) and a
// truncation.
type fileState struct {
	exists bool
	size   int64
	mod    time.Time
	ino    uint64
}

func statFile(path string) fileState {
	fi, err := os.Stat(path)
	if err != nil {
		return fileState{}
	}
	return fileState{exists: true, size: fi.Size(), mod: fi.ModTime(), ino: inode(fi)}
}

// watch polls the watched files and reloads once a changed file has been
// still for one poll: a file caught half-written would most likely fail to
// load (and be logged), but a half-written list can also parse, so it waits
// for the writer to finish. A file that is missing is waited for, not
// reloaded. Polling needs no platform support and costs a stat per file per
// second.
func (s *Server) watch(ctx context.Context) {
	if len(s.opts.Watch) == 0 {
		return
	}
	loaded := slices.Clone(s.watchBase) // as of the last reload
	prev := slices.Clone(s.watchBase)   // as of the last poll
	tick := time.NewTicker(s.opts.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		changed, settled := "", true
		for i, p := range s.opts.Watch {
			now := statFile(p)
			if now != prev[i] || !now.exists {
				settled = false
			}
			if now != loaded[i] && changed == "" {
				changed = p
			}
			prev[i] = now
		}
		if changed == "" || !settled {
			continue
		}
		copy(loaded, prev)
		_ = s.Reload("file changed: " + changed)
	}
}
