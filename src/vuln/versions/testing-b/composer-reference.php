<?php
// Reference side of the Composer differential test (Debian packages "php-cli" and
// "php-composer-semver"): for each JSON line [a, b] on stdin prints
// [normalize(a) or null, normalize(b) or null, a < b, a == b, a > b, version_compare]
// where the comparisons are Composer\Semver\Comparator on the normalized versions (null unless
// both normalize), then version_compare of the normalized versions, or of the trimmed input for
// a version normalize rejects (Bulkhead's documented fallback).
require '/usr/share/php/Composer/Semver/autoload.php';

use Composer\Semver\Comparator;
use Composer\Semver\VersionParser;

$parser = new VersionParser();
$normalize = function ($v) use ($parser) {
    try {
        return $parser->normalize($v);
    } catch (\UnexpectedValueException $e) {
        return null;
    }
};
$flags = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE;
while (($line = fgets(STDIN)) !== false) {
    [$a, $b] = json_decode($line, true);
    $na = $normalize($a);
    $nb = $normalize($b);
    if ($na === null || $nb === null) {
        $fallback = version_compare($na ?? trim($a), $nb ?? trim($b));
        echo json_encode([$na, $nb, null, null, null, $fallback], $flags), "\n";
        continue;
    }
    echo json_encode([
        $na,
        $nb,
        Comparator::lessThan($na, $nb),
        Comparator::equalTo($na, $nb),
        Comparator::greaterThan($na, $nb),
        version_compare($na, $nb),
    ], $flags), "\n";
}
