package source

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestJSONDocuments(t *testing.T) {
	dir := t.TempDir()
	src := `
resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecure"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
resource "aws_iam_role_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
resource "aws_iam_role_policy" "file" {
  policy = file("policy.json")
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := Load(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	docs := ix.JSONDocuments(nil)[""]
	want := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			"Resource":  []any{nil, nil},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}},
	}
	if got := docs["aws_s3_bucket_policy.this"]["policy"]; !reflect.DeepEqual(got, want) {
		t.Errorf("bucket policy document =\n %#v\nwant\n %#v", got, want)
	}
	if got := docs["aws_iam_role_policy.p"]["policy"]; !reflect.DeepEqual(got, map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": nil, "Resource": "*"}}}) {
		t.Errorf("variable actions: %#v", got)
	}
	if _, ok := docs["aws_iam_role_policy.file"]; ok {
		t.Error("file(...) is not a jsonencode object")
	}
}
