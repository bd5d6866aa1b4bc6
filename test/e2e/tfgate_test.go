package e2e

import "testing"

// The retry in Up hangs on lineLog noticing the emulator's crash report in
// Terraform's error, split across writes like a real stream.
func TestLineLogSeesEmulatorCrash(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		want   bool
	}{
		{"crash", []string{"  error: secrets.tf:32: reading SSM Parameter metadata: operation error SSM: DescribeParameters, https response error StatusCode: 501, RequestID: , api error Emulator", "Error: ssm DescribeParameters failed in the local emulator: IndexError\n"}, true},
		{"not implemented is not a crash", []string{"api error NotImplemented: ecs UpdateCluster is not implemented\n"}, false},
		{"policy denial", []string{"FAIL RDS-001 aws_db_instance.main\n"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &lineLog{t: t}
			for _, w := range tc.writes {
				if _, err := l.Write([]byte(w)); err != nil {
					t.Fatal(err)
				}
			}
			l.flush()
			if l.crashed != tc.want {
				t.Errorf("crashed = %v, want %v", l.crashed, tc.want)
			}
		})
	}
}
