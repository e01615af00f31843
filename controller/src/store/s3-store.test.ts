import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { openStore, parseS3Uri } from './open-store.js';
import { s3ClientConfig } from './s3-store.js';

// No server here: configuration and URI handling only (test/integration/store-s3.test.ts talks to one).
describe('s3 configuration', () => {
  it('takes settings first, then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION', () => {
    expect(s3ClientConfig({ endpoint: 'http://a:1', region: 'eu-west-1' }, { AWS_ENDPOINT_URL_S3: 'http://b:2' })).toMatchObject({
      endpoint: 'http://a:1',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(s3ClientConfig({}, { AWS_ENDPOINT_URL_S3: 'http://s3only:2', AWS_ENDPOINT_URL: 'http://all:3', AWS_REGION: 'ap-south-1' })).toMatchObject({
      endpoint: 'http://s3only:2',
      region: 'ap-south-1',
    });
    expect(s3ClientConfig({}, { AWS_ENDPOINT_URL: 'http://all:3' })).toMatchObject({ endpoint: 'http://all:3', region: 'us-east-1', forcePathStyle: true });
  });

  it('leaves AWS itself to the SDK defaults (virtual-hosted, region from its own chain)', () => {
    const c = s3ClientConfig({}, {});
    expect(c).not.toHaveProperty('endpoint');
    expect(c).not.toHaveProperty('region');
    expect(c?.forcePathStyle).toBe(false);
    expect(s3ClientConfig({ forcePathStyle: false }, { AWS_ENDPOINT_URL: 'http://x' })?.forcePathStyle).toBe(false);
  });

  it('never carries credentials', () => {
    const c = s3ClientConfig({}, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_ENDPOINT_URL: 'http://x' });
    expect(c).not.toHaveProperty('credentials');
    expect(JSON.stringify(c)).not.toContain('secret');
  });
});

describe('s3 URIs', () => {
  it('parses bucket and prefix and normalizes the URI', () => {
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Uri('s3://bucket/')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Uri('s3://my.bucket-1/a/b/')).toEqual({ bucket: 'my.bucket-1', prefix: 'a/b' });
    expect(openStore('s3://bucket/a/b/', { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' } }).uri).toBe('s3://bucket/a/b');
  });
  it.each(['s3://', 's3:///x', 's3://Bad_Bucket/x', 's3://b/../x', 's3://bucket/a//b', 's3://bucket/x?versionId=1'])('rejects %s', (u) => {
    expect(() => parseS3Uri(u)).toThrow(StoreError);
  });
});
