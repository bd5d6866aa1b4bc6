package terraform

import (
	"context"
	"errors"
	"regexp"
)

// lockIDPattern finds the lock ID in Terraform's "Error acquiring the state
// lock" detail ("Lock Info:\n  ID: 5c2c…").
var lockIDPattern = regexp.MustCompile(`\bID:\s+([0-9A-Za-z][0-9A-Za-z._-]*)`)

// ForceUnlock runs `terraform force-unlock -force ID`: it removes the remote
// state lock (the S3 backend's DynamoDB item or lock file) that a killed
// run left. Terraform needs the ID, so a live lock cannot be removed by
// accident with a guessed one.
func (r *Runner) ForceUnlock(ctx context.Context, lockID string) error {
	if lockID == "" {
		return errors.New("force-unlock needs the lock ID Terraform printed")
	}
	tf, err := r.terraform(nil)
	if err != nil {
		return err
	}
	return r.classify(ctx, "force-unlock", tf.ForceUnlock(ctx, lockID), nil)
}

// lockDetail is the lock error of Terraform's stderr in one line, keeping
// the lock ID the recovery needs.
func lockDetail(stderr string) string {
	d := firstErrorLine(stderr)
	if m := lockIDPattern.FindStringSubmatch(stderr); m != nil && !lockIDPattern.MatchString(d) {
		d += "; lock ID: " + m[1]
	}
	return d
}
