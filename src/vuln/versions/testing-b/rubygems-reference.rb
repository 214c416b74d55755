# Reference side of the RubyGems differential test (Debian package "ruby"): for each JSON line
# [a, b] on stdin prints [Gem::Version.correct?(a), Gem::Version.correct?(b), a <=> b], the last
# null unless both are correct.
require 'json'
require 'rubygems'

$stdout.sync = false
STDIN.each_line do |line|
  a, b = JSON.parse(line)
  ca = Gem::Version.correct?(a)
  cb = Gem::Version.correct?(b)
  cmp = (ca && cb) ? (Gem::Version.new(a) <=> Gem::Version.new(b)) : nil
  puts JSON.generate([ca, cb, cmp])
end
