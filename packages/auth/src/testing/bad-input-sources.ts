// Bad-input cases: where discovery looks and finds nothing usable (unset, empty, unreadable, directories).
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BadCase, C, mkfifo } from './bad-case.js'

export const SOURCE_CASES: BadCase[] = [
  {
    name: 'no token anywhere',
    setup: async () => ({}),
    code: C.NOT_FOUND,
    source: (c) => c.bt,
    message: [
      /^No SciToken found for Kafka/,
      /bt_u\d+ does not exist/,
      /Not set: \$SCITOKEN, \$SCITOKEN_FILE, \$_CONDOR_CREDS, \$BEARER_TOKEN, \$BEARER_TOKEN_FILE/,
      /htgettoken -a vault\.ligo\.org -i igwn/,
    ],
  },
  {
    name: 'empty BEARER_TOKEN and nothing else',
    setup: async () => ({ env: { BEARER_TOKEN: '' } }),
    code: C.NOT_FOUND,
    source: (c) => c.bt,
    message: [/\$BEARER_TOKEN is set but empty, skipped/, /bt_u\d+ does not exist/],
  },
  {
    name: 'empty file at BEARER_TOKEN_FILE',
    setup: async (c) => {
      await writeFile(join(c.dir, 'tok'), '')
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'tok') } }
    },
    code: C.EMPTY,
    source: (c) => join(c.dir, 'tok'),
    message: [/\$BEARER_TOKEN_FILE \(.*tok\) is empty/],
  },
  {
    name: 'whitespace-only file at the default path',
    setup: async (c) => {
      await writeFile(c.bt, ' \n\t\n')
      return {}
    },
    code: C.EMPTY,
    source: (c) => c.bt,
    message: [/bt_u\d+ is empty/],
  },
  {
    name: 'unreadable: BEARER_TOKEN_FILE below a regular file (ENOTDIR)',
    setup: async (c) => {
      await writeFile(join(c.dir, 'plain'), 'x')
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'plain', 'tok') } }
    },
    code: C.UNREADABLE,
    source: (c) => join(c.dir, 'plain', 'tok'),
    message: [/ENOTDIR/],
  },
  {
    name: 'unreadable: BEARER_TOKEN_FILE is a FIFO (must not hang)',
    setup: async (c) => {
      mkfifo(join(c.dir, 'fifo'))
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'fifo') } }
    },
    code: C.UNREADABLE,
    source: (c) => join(c.dir, 'fifo'),
    message: [/it is a FIFO, not a regular file/],
  },
  {
    name: 'unreadable: symlink loop at the default path (ELOOP)',
    setup: async (c) => {
      await symlink(join(c.xdg, 'loop-b'), join(c.xdg, 'loop-a'))
      await symlink(join(c.xdg, 'loop-a'), join(c.xdg, 'loop-b'))
      await symlink(join(c.xdg, 'loop-a'), c.bt)
      return {}
    },
    code: C.UNREADABLE,
    source: (c) => c.bt,
    message: [/ELOOP/],
  },
  {
    name: 'directory at BEARER_TOKEN_FILE',
    setup: async (c) => {
      await mkdir(join(c.dir, 'tokdir'))
      return { env: { BEARER_TOKEN_FILE: join(c.dir, 'tokdir') } }
    },
    code: C.IS_DIRECTORY,
    source: (c) => join(c.dir, 'tokdir'),
    message: [/tokdir\) is a directory, expected a file/],
  },
  {
    name: 'directory at the default path',
    setup: async (c) => {
      await mkdir(c.bt)
      return {}
    },
    code: C.IS_DIRECTORY,
    source: (c) => c.bt,
    message: [/is a directory/],
  },
  {
    name: 'SCITOKEN_FILE is a directory',
    setup: async (c) => ({ env: { SCITOKEN_FILE: c.dir } }),
    code: C.IS_DIRECTORY,
    source: (c) => c.dir,
    message: [/\$SCITOKEN_FILE \(.*\) is a directory/],
  },
  {
    name: 'SCITOKEN_FILE names a missing file',
    setup: async (c) => ({ env: { SCITOKEN_FILE: join(c.dir, 'missing') } }),
    code: C.NOT_FOUND,
    source: (c) => join(c.dir, 'missing'),
    message: [/\$SCITOKEN_FILE \(.*missing\) does not exist/],
  },
]
