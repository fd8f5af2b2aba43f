# The Debian package of tcplife for the Wireshark plugin ABI built against:
#   cmake --build <build> --target package   ->  <build>/tcplife_<version>_wireshark<X.Y>_<arch>.deb
# It installs the plugin into that Wireshark's system plugin folder, the configuration
# profile into the global profiles folder and tcplife-batch into /usr/bin, and depends
# on exactly the libwireshark of that ABI (each ABI has its own soname and package).
# tools/build-deb.sh runs it on a fresh build.

install(DIRECTORY ${PROJECT_SOURCE_DIR}/profile/tcplife DESTINATION share/wireshark/profiles
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/tcplife-batch DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/tcplife)

# The package that ships the libwireshark this build links: libwireshark16 (4.0),
# libwireshark17 (4.2), libwireshark18 (4.4), libwireshark19 (4.6).
get_target_property(_tcplife_epan_location epan LOCATION)
get_filename_component(_tcplife_epan_file "${_tcplife_epan_location}" REALPATH)
find_program(TCPLIFE_DPKG_QUERY dpkg-query)
set(_tcplife_libwireshark_package "")
if(TCPLIFE_DPKG_QUERY)
  execute_process(COMMAND ${TCPLIFE_DPKG_QUERY} -S "${_tcplife_epan_file}"
                  OUTPUT_VARIABLE _tcplife_owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX REPLACE "^([^:]+):.*" "\\1" _tcplife_libwireshark_package "${_tcplife_owner}")
endif()

math(EXPR _tcplife_next_minor "${Wireshark_MINOR_VERSION} + 1")
set(_tcplife_next_abi "${Wireshark_MAJOR_VERSION}.${_tcplife_next_minor}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tcplife)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}+wireshark${TCPLIFE_FOUND_ABI}")
set(CPACK_PACKAGE_CONTACT "tcplife developers <tcplife@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Wireshark plugin that explains every TCP handshake and close (Wireshark ${TCPLIFE_FOUND_ABI})")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "TCP Lifecycle (tcplife) is a Wireshark post-dissector. It annotates every TCP\nsegment with its handshake or close step and both endpoints' RFC 9293 states,\nand gives every conversation a verdict, in the GUI, in display filters and in\ntshark reports. Built for the Wireshark ${TCPLIFE_FOUND_ABI} plugin ABI.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(_tcplife_libwireshark_package)
    # dpkg-shlibdeps adds the lower bound (and the other libraries); the upper one keeps
  # the package to this ABI even if a later release kept the soname.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_tcplife_libwireshark_package} (<< ${_tcplife_next_abi}~)")
else()
  message(STATUS "tcplife: libwireshark's package not found (no dpkg here); the package names no libwireshark")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
# tcplife-batch --states-plot draws with matplotlib; everything else works without it.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-matplotlib")
set(_tcplife_arch "")
find_program(TCPLIFE_DPKG dpkg)
if(TCPLIFE_DPKG)
  execute_process(COMMAND ${TCPLIFE_DPKG} --print-architecture OUTPUT_VARIABLE _tcplife_arch
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
if(NOT _tcplife_arch)
  set(_tcplife_arch "${CMAKE_SYSTEM_PROCESSOR}")
endif()
set(CPACK_PACKAGE_FILE_NAME "tcplife_${PROJECT_VERSION}_wireshark${TCPLIFE_FOUND_ABI}_${_tcplife_arch}")
set(CPACK_STRIP_FILES ON)
include(CPack)
