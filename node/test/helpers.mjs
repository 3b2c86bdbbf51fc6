// Shared by the tests: the repository's data folders.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export function dataFiles(folder) {
  const dir = join(repo, 'tests', folder)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), data: JSON.parse(readFileSync(join(dir, f), 'utf8')) }))
}

// Tests never inherit the developer's PARTNER_* settings.
for (const name of Object.keys(process.env)) if (name.startsWith('PARTNER_')) delete process.env[name]
