// Stages the npm packages of a release from built addons, napi-rs style:
//   node scripts/npm-packages.mjs ADDONS_DIR OUT_DIR
// ADDONS_DIR holds `partner-webhooks.<platform>.node` files. For each, a
// platform package `@partner-webhooks/binding-<platform>` (with `os`, `cpu` and
// `libc`, so npm installs only the one that fits) is packed into OUT_DIR, and
// the main package `partner-webhooks` is packed with `optionalDependencies` on
// every platform package of the release, and without any install script.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const [addons, out] = process.argv.slice(2)
if (!addons || !out) throw new Error('usage: npm-packages.mjs ADDONS_DIR OUT_DIR')

const main = JSON.parse(readFileSync(join(root, 'node', 'package.json'), 'utf8'))
const scope = main.napi.packageName // "@partner-webhooks/binding"

/** npm's names for each platform of the release (napi-rs' triples). */
const PLATFORMS = {
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
}

const stage = join(out, 'stage')
rmSync(stage, { recursive: true, force: true })
mkdirSync(stage, { recursive: true })
const pack = (dir) => execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }).trim()
const common = {
  version: main.version,
  license: main.license,
  repository: main.repository,
  engines: main.engines,
}

for (const file of readdirSync(addons).filter((f) => f.endsWith('.node')).sort()) {
  const platform = file.replace(/^partner-webhooks\./, '').replace(/\.node$/, '')
  const fields = PLATFORMS[platform]
  if (!fields) throw new Error(`unknown platform ${platform}`)
  const dir = join(stage, platform)
  mkdirSync(dir)
  copyFileSync(join(addons, file), join(dir, file))
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'))
  writeFileSync(join(dir, 'README.md'), `# ${scope}-${platform}\n\nThe ${platform} native addon of [partner-webhooks](https://www.npmjs.com/package/partner-webhooks); install \`partner-webhooks\`, not this package.\n`)
  const pkg = { name: `${scope}-${platform}`, ...common, description: `The ${platform} addon of partner-webhooks.`, main: file, files: [file], ...fields }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  console.log(pack(dir))
}

// The main package: what `node/` packs, minus the build-time parts.
const dir = join(stage, 'partner-webhooks')
mkdirSync(dir)
for (const entry of ['dist', 'native.js', 'native.d.ts', 'README.md']) cpSync(join(root, 'node', entry), join(dir, entry), { recursive: true })
copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'))
const { scripts, devDependencies, ...rest } = main
void devDependencies
const pkg = {
  ...rest,
  files: rest.files.filter((f) => !f.endsWith('.node') && !f.startsWith('scripts/')),
  scripts: Object.fromEntries(Object.entries(scripts).filter(([name]) => !['install', 'preinstall', 'postinstall', 'prepare'].includes(name))),
  optionalDependencies: Object.fromEntries(Object.keys(PLATFORMS).map((p) => [`${scope}-${p}`, main.version])),
}
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
console.log(pack(dir))
