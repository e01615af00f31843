export type { ObjectInfo, ObjectStore, OpenStoreOptions, PublishFile, PublishOptions, PutOptions, S3Settings } from './types.js';
export { MANIFEST_NAME, SUCCESS_NAME } from './types.js';
export { InvalidKeyError, ObjectNotFoundError, PreconditionFailedError, StoreError, type StoreErrorCode } from './errors.js';
export { openStore, parseS3Uri } from './open-store.js';
export { FileStore } from './file-store.js';
export { S3Store } from './s3-store.js';
/** Local-file helpers with the store's guarantees (temp beside the target, fsync, rename). */
export { sha256File, writeFileAtomic } from './local-file.js';
