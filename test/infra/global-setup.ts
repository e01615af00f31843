// Placeholder: the test bed issue replaces this with etcd, kube-apiserver and S3 start-up.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
