package e2e

import (
	"testing"
	"time"

	"github.com/saprism/tfgate/test/internal/harness"
)

func TestMain(m *testing.M) { harness.Main(m, 60*time.Minute) }
