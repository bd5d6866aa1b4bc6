package cli

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Helpers of the fault tests (faults_test.go, build tag "faults") and of
// the integration tests.

// startEmulator starts the repository's emulator for the test.
func startEmulator(t *testing.T, root string) {
	t.Helper()
	stopEmulatorAtEnd(t, root)
	if code, _, stderr := tfgate(t, root, nil, "local", "start"); code != ExitPass {
		t.Fatalf("local start: %s", stderr)
	}
}

type outcome struct {
	code   int
	stderr string
}

// runAsync runs tfgate in-process in the background.
func runAsync(t *testing.T, root string, args ...string) <-chan outcome {
	done := make(chan outcome, 1)
	go func() {
		code, _, stderr := tfgate(t, root, map[string]string{"NO_COLOR": "1"}, args...)
		done <- outcome{code, stderr}
	}()
	return done
}

// waitApplying waits until the apply has written the bucket to the state:
// from then on the provider waits on the lifecycle rule.
func waitApplying(t *testing.T, state string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !tfg.HasResources(state) {
		if time.Now().After(deadline) {
			t.Fatal("the apply never wrote the bucket to the state")
		}
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
}

func wait(t *testing.T, done <-chan outcome, limit time.Duration, what string) outcome {
	t.Helper()
	select {
	case o := <-done:
		return o
	case <-time.After(limit):
		t.Fatalf("%s still running after %s", what, limit)
	}
	return outcome{}
}

// stateIntact: the state file is valid JSON holding the bucket.
func stateIntact(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("state: %v", err)
	}
	var st struct {
		Serial    int `json:"serial"`
		Resources []struct {
			Type string `json:"type"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("state %s is not valid JSON: %v", path, err)
	}
	if len(st.Resources) == 0 || st.Resources[0].Type != "aws_s3_bucket" {
		t.Fatalf("state %s lost the bucket: %s", path, data)
	}
}

// converged: a new plan has nothing to do.
func converged(t *testing.T, root string, vars ...string) {
	t.Helper()
	args := append([]string{"plan", "--env", "dev", "--local"}, vars...)
	if code, _, stderr := tfgate(t, root, nil, args...); code != ExitPass {
		t.Fatalf("re-plan: exit %d\n%s", code, stderr)
	}
	l := layoutFor(t, root, "dev", true)
	data, err := os.ReadFile(l.PlanJSONPath())
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	for _, rc := range p.ResourceChanges {
		if len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != "no-op" {
			t.Errorf("not converged: %s %v", rc.Address, rc.Change.Actions)
		}
	}
}
