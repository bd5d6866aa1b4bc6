package cli

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/saprism/tfgate/internal/health"
)

// checkHealth is up's last step. On AWS it waits until every service named
// in the stack's health_target_groups output has healthy targets. The
// emulator runs no tasks, so no target ever registers: there it only checks
// that every group exists and answers DescribeTargetHealth.
func (s *session) checkHealth(ctx context.Context, outs map[string]tfexec.OutputMeta, timeout time.Duration) error {
	o, ok := outs[health.OutputName]
	if !ok {
		s.a.infof("health: the stack has no %s output; not waiting for target health", health.OutputName)
		return nil
	}
	groups, err := health.ParseOutput(o.Value)
	if err != nil {
		return failf("%v", err)
	}
	endpoint := ""
	if s.emu != nil {
		endpoint = s.emu.Endpoint()
	}
	api, err := health.NewClient(ctx, groups, endpoint)
	if err != nil {
		return failf("%v", err)
	}
	if s.emu != nil {
		got, err := health.Check(ctx, api, groups)
		if err != nil {
			return failf("%v", err)
		}
		for _, svc := range got {
			s.a.infof("health (emulator): %s", svc)
		}
		s.a.infof("health: every target group answers; the emulator runs no tasks, so there is no target health to wait for")
		return nil
	}
	if timeout <= 0 {
		s.a.infof("health: --health-timeout 0, not waiting for healthy targets")
		return nil
	}
	s.a.infof("health: waiting up to %s for healthy targets", timeout)
	got, err := health.Wait(ctx, api, groups, health.Options{Timeout: timeout, Progress: func(l string) { s.a.infof("health: %s", l) }})
	if err != nil {
		return failf("%v\n  the stack is applied but not serving: check the services' events (aws ecs describe-services) and the application log", err)
	}
	for _, svc := range got {
		s.a.infof("health: %s", svc)
	}
	return nil
}
