package run

import (
	"context"
	"fmt"
	"time"

	"github.com/saprism/tfgate/internal/health"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// CheckHealth is up's last step. On AWS it waits until every service named
// in the stack's health_target_groups output has healthy targets (timeout
// 0: do not wait). The emulator runs no tasks, so no target ever registers:
// there it only checks that every group exists and answers
// DescribeTargetHealth.
func (e *Env) CheckHealth(ctx context.Context, outs map[string]tfg.Output, timeout time.Duration) error {
	o, ok := outs[health.OutputName]
	if !ok {
		e.infof("health: the stack has no %s output; not waiting for target health", health.OutputName)
		return nil
	}
	groups, err := health.ParseOutput(o.Value)
	if err != nil {
		return err
	}
	endpoint := ""
	if e.emu != nil {
		endpoint = e.emu.Endpoint()
	}
	api, err := health.NewClient(ctx, groups, endpoint)
	if err != nil {
		return err
	}
	if e.emu != nil {
		got, err := health.Check(ctx, api, groups)
		if err != nil {
			return err
		}
		for _, svc := range got {
			e.infof("health (emulator): %s", svc)
		}
		e.infof("health: every target group answers; the emulator runs no tasks, so there is no target health to wait for")
		return nil
	}
	if timeout <= 0 {
		e.infof("health: --health-timeout 0, not waiting for healthy targets")
		return nil
	}
	e.infof("health: waiting up to %s for healthy targets", timeout)
	got, err := health.Wait(ctx, api, groups, health.Options{Timeout: timeout, Progress: func(l string) { e.infof("health: %s", l) }})
	if err != nil {
		return fmt.Errorf("%w\n  the stack is applied but not serving: check the services' events (aws ecs describe-services) and the application log", err)
	}
	for _, svc := range got {
		e.infof("health: %s", svc)
	}
	return nil
}
