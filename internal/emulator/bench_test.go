package emulator

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkStartStop measures a cold emulator start (Python import of moto + extensions, health
// probe) and stop: what `tfgate up --local` pays before Terraform runs.
func BenchmarkStartStop(b *testing.B) {
	if _, err := FindPython(context.Background(), ""); err != nil {
		b.Fatalf("needs moto_server: %v", err)
	}
	for i := 0; i < b.N; i++ {
		e, err := Start(context.Background(), Options{StateDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Stop(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHealthRoundTrip measures one request through the launcher's middleware.
func BenchmarkHealthRoundTrip(b *testing.B) {
	e, err := Start(context.Background(), Options{StateDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Stop()
	client := &http.Client{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := client.Get(e.Endpoint() + "/tfgate/health")
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
