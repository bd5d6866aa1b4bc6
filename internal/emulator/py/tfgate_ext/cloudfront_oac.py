"""CloudFront distributions: what moto 5.2 drops or gets wrong.

* Origin.OriginAccessControlId was not stored, so aws_cloudfront_distribution's
  origin_access_control_id read back empty and the origin was replaced on every plan.
* The distribution ARN lacked the empty region field (arn:aws:cloudfront:ACCOUNT:distribution/ID);
  a bucket policy conditioned on AWS:SourceArn drifted against it. AWS:
  arn:aws:cloudfront::ACCOUNT:distribution/ID.
* A cache behaviour using a cache policy got default ForwardedValues back, which the provider
  reports as an added forwarded_values block.
"""

from moto.cloudfront import models as cf

from . import core

core.extension("cloudfront-distribution")

_orig_origin_init = cf.Origin.__init__


def _origin_init(self, origin):
    _orig_origin_init(self, origin)
    self.origin_access_control_id = origin.get("OriginAccessControlId") or ""


cf.Origin.__init__ = _origin_init

_orig_dist_init = cf.Distribution.__init__


def _dist_init(self, account_id, region_name, config):
    _orig_dist_init(self, account_id, region_name, config)
    self.arn = "arn:%s:cloudfront::%s:distribution/%s" % (
        self.arn.split(":")[1], account_id, self.distribution_id)


cf.Distribution.__init__ = _dist_init

_orig_dcb_init = cf.DefaultCacheBehaviour.__init__


def _dcb_init(self, config):
    _orig_dcb_init(self, config)
    if "ForwardedValues" not in config and config.get("CachePolicyId"):
        self.forwarded_values = None
        # With a cache policy AWS reports no legacy TTLs either.
        self.min_ttl = self.default_ttl = self.max_ttl = None


cf.DefaultCacheBehaviour.__init__ = _dcb_init

# With the default *.cloudfront.net certificate AWS reports no SSLSupportMethod; moto invented
# "sni-only", which the provider saw as a change to remove. With an ACM certificate moto reported
# CloudFrontDefaultCertificate=true. CertificateSource follows the certificate.
_orig_vc_init = cf.ViewerCertificate.__init__


def _vc_init(self, config):
    _orig_vc_init(self, config)
    if not config.get("SSLSupportMethod") and not (config.get("ACMCertificateArn") or config.get("IAMCertificateId")):
        self.ssl_support_method = None
    if (config.get("ACMCertificateArn") or config.get("IAMCertificateId")) and \
            "CloudFrontDefaultCertificate" not in config:
        self.cloud_front_default_certificate = False  # moto defaulted it to True
    if config.get("ACMCertificateArn"):
        self.certificate_source = "acm"
    elif config.get("IAMCertificateId"):
        self.certificate_source = "iam"


cf.ViewerCertificate.__init__ = _vc_init
