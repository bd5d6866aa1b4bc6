package health

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

const (
	blue  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/1111"
	green = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-green/2222"
	ws    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ws/3333"
)

type target struct{ state, reason, desc string }

// fakeELB answers DescribeTargetHealth (query protocol, XML) from a script:
// the n-th call for a group gets script[group][min(n, len-1)].
type fakeELB struct {
	mu     sync.Mutex
	script map[string][][]target
	calls  map[string]int
}

func (f *fakeELB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "DescribeTargetHealth" {
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	arn := r.Form.Get("TargetGroupArn")
	f.mu.Lock()
	steps, ok := f.script[arn]
	n := f.calls[arn]
	f.calls[arn]++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code><Message>Target groups '%s' not found</Message></Error><RequestId>r</RequestId></ErrorResponse>`, arn)
		return
	}
	var b strings.Builder
	for i, t := range steps[min(n, len(steps)-1)] {
		fmt.Fprintf(&b, `<member><Target><Id>10.0.0.%d</Id><Port>5000</Port></Target><TargetHealth><State>%s</State>`, i+1, t.state)
		if t.reason != "" {
			fmt.Fprintf(&b, `<Reason>%s</Reason><Description>%s</Description>`, t.reason, t.desc)
		}
		b.WriteString(`</TargetHealth></member>`)
	}
	fmt.Fprintf(w, `<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions>%s</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`, b.String())
}

func client(t *testing.T, script map[string][][]target) (*elbv2.Client, *fakeELB) {
	f := &fakeELB{script: script, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := elbv2.New(elbv2.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	})
	return c, f
}

var unhealthy = target{"unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [502]"}

func TestWaitBecomesHealthy(t *testing.T) {
	c, f := client(t, map[string][][]target{
		// blue/green: only green gets targets (after a swap), healthy on the third poll
		blue:  {{}},
		green: {{{"initial", "Elb.RegistrationInProgress", "Target registration is in progress"}}, {unhealthy}, {{"healthy", "", ""}}},
		ws:    {{{"healthy", "", ""}, {"draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"}}},
	})
	var progress []string
	got, err := Wait(context.Background(), c, map[string][]string{"app": {blue, green}, "websocket": {ws}},
		Options{Timeout: 5 * time.Second, Interval: 10 * time.Millisecond, Progress: func(l string) { progress = append(progress, l) }})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if len(got) != 2 || !got[0].Healthy() || !got[1].Healthy() {
		t.Fatalf("Wait returned %v, want both services healthy", got)
	}
	if f.calls[green] != 3 {
		t.Errorf("green polled %d times, want 3 (initial, unhealthy, healthy)", f.calls[green])
	}
	if len(progress) != 2 || !strings.Contains(progress[1], "Target.ResponseCodeMismatch") {
		t.Errorf("progress %q: want two lines, the second naming the unhealthy reason", progress)
	}
	if s := got[1].String(); s != "websocket: 1/2 healthy in ws (Target.DeregistrationInProgress: Target deregistration is in progress)" {
		t.Errorf("summary %q", s)
	}
}

func TestWaitTimesOutNamingTheReason(t *testing.T) {
	c, _ := client(t, map[string][][]target{blue: {{unhealthy, unhealthy}}, ws: {{}}})
	start := time.Now()
	_, err := Wait(context.Background(), c, map[string][]string{"app": {blue}, "websocket": {ws}},
		Options{Timeout: 200 * time.Millisecond, Interval: 20 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Wait: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout of 200ms took %s", d)
	}
	for _, want := range []string{"app: 0/2 healthy in app (Target.ResponseCodeMismatch: Health checks failed with these codes: [502])", "websocket: no targets in ws", "200ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestWaitFailsFastOnMissingGroup(t *testing.T) {
	c, f := client(t, map[string][][]target{blue: {{unhealthy}}})
	missing := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/9999"
	_, err := Wait(context.Background(), c, map[string][]string{"app": {blue}, "websocket": {missing}},
		Options{Timeout: time.Minute, Interval: 10 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "TargetGroupNotFound") || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("Wait: %v, want TargetGroupNotFound naming the group", err)
	}
	if f.calls[missing] != 1 {
		t.Errorf("missing group asked %d times, want 1 (no waiting on an error)", f.calls[missing])
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	c, _ := client(t, map[string][][]target{blue: {{unhealthy}}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := Wait(ctx, c, map[string][]string{"app": {blue}}, Options{Timeout: time.Hour, Interval: 20 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait: %v, want the context's error", err)
	}
}

func TestCheckRejectsEmptyInput(t *testing.T) {
	c, _ := client(t, nil)
	if _, err := Check(context.Background(), c, nil); err == nil {
		t.Errorf("Check with no services: want an error")
	}
	if _, err := Check(context.Background(), c, map[string][]string{"app": nil}); err == nil || !strings.Contains(err.Error(), "app") {
		t.Errorf("Check with a service without groups: %v, want an error naming it", err)
	}
}

func TestParseOutput(t *testing.T) {
	got, err := ParseOutput([]byte(`{"app":["` + blue + `","` + green + `"],"websocket":["` + ws + `"]}`))
	if err != nil || len(got) != 2 || len(got["app"]) != 2 || got["websocket"][0] != ws {
		t.Fatalf("ParseOutput: %v, %v", got, err)
	}
	for _, bad := range []string{`"x"`, `{"app":"x"}`, `{}`, `{"app":[]}`, `{"app":["not-an-arn"]}`} {
		if _, err := ParseOutput([]byte(bad)); err == nil {
			t.Errorf("ParseOutput(%s): want an error", bad)
		}
	}
}
