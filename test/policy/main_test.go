package policy

import (
	"testing"
	"time"

	"github.com/saprism/tfgate/test/internal/harness"
)

func TestMain(m *testing.M) { harness.Main(m, 20*time.Minute) }
