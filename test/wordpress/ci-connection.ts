import { createHash } from 'node:crypto';

/** Where `scripts/wordpress-ci.sh start` writes the site's connection for this checkout (see CI_DIR there). */
export function defaultConnectionFile(root: string = process.cwd()): string {
  const hash = createHash('md5').update(root).digest('hex').slice(0, 8);
  return `/tmp/mergedesk-wp-ci-${hash}/connection.json`;
}
