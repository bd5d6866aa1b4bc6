package emulator

import (
	"strings"
	"testing"
)

func TestCheckMotoVersion(t *testing.T) {
	if err := checkMotoVersion("5.2.1"); err != nil {
		t.Errorf("5.2.1 refused: %v", err)
	}
	for _, v := range []string{"5.1.9", "4.2.14", "6.0.0", ""} {
		err := checkMotoVersion(v)
		if err == nil || !strings.Contains(err.Error(), "moto[server]==5.2.1") {
			t.Errorf("moto %q: err = %v, want a refusal with the pinned install hint", v, err)
		}
	}
	if got := lastLine([]byte("warning: x\n5.2.1\n")); got != "5.2.1" {
		t.Errorf("lastLine = %q", got)
	}
}
