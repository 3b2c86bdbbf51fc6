// This machine's platform as napi-rs and npm name it (`linux-x64-gnu`, `darwin-arm64`, ...).
'use strict'
function hostPlatform() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report.getReport().header.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}
module.exports = hostPlatform()
