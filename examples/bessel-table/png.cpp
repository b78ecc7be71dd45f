#include "png.hpp"

#include <cstdio>
#include <cstring>

#include <zlib.h>

namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

// A chunk: length, type, data, and the CRC-32 of type and data.
void put_chunk(std::vector<std::uint8_t>& out, const char* type,
               const std::vector<std::uint8_t>& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  auto start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  auto crc = crc32(0L, &out[start], static_cast<uInt>(out.size() - start));
  put_u32(out, static_cast<std::uint32_t>(crc));
}

} // namespace

std::string write_png(const std::string& path, const rgb_image& image) {
  std::vector<std::uint8_t> header;
  put_u32(header, static_cast<std::uint32_t>(image.width));
  put_u32(header, static_cast<std::uint32_t>(image.height));
  header.insert(header.end(), {8, 2, 0, 0, 0}); // 8 bits, RGB, deflate, no filter, no interlace

  // Each scanline starts with its filter type (0: none).
  auto row_bytes = static_cast<std::size_t>(image.width) * 3;
  std::vector<std::uint8_t> raw;
  raw.reserve((row_bytes + 1) * image.height);
  for (int y = 0; y < image.height; ++y) {
    raw.push_back(0);
    auto* row = &image.pixels[y * row_bytes];
    raw.insert(raw.end(), row, row + row_bytes);
  }
  auto bound = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> idat(bound);
  if (compress2(idat.data(), &bound, raw.data(), static_cast<uLong>(raw.size()), 9) != Z_OK)
    return "zlib could not compress the image";
  idat.resize(bound);

  std::vector<std::uint8_t> file = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put_chunk(file, "IHDR", header);
  put_chunk(file, "IDAT", idat);
  put_chunk(file, "IEND", {});

  auto* f = std::fopen(path.c_str(), "wb");
  if (!f)
    return "cannot open " + path + " for writing: " + std::strerror(errno);
  auto written = std::fwrite(file.data(), 1, file.size(), f);
  auto closed = std::fclose(f);
  if (written != file.size() || closed != 0)
    return "cannot write " + path + ": " + std::strerror(errno);
  return {};
}
