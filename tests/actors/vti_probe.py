"""Reads troupe's .vti and .pvd files with VTK's own reader and prints what it found.

Run with Debian's /usr/bin/python3 (python3-vtk9); vti.test.cpp compares the output.

  vti_probe.py FILE.vti   dimensions, spacing, origin, active scalars, then every array and
                          every point's value as `value NAME I J REPR` (x index I fastest)
  vti_probe.py FILE.pvd   each DataSet's `dataset TIMESTEP FILE`, then that file as above

Any error or warning VTK reports is printed as `vtk-error ...` and the exit status is 1.
"""
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

try:
    from vtkmodules.vtkCommonCore import vtkLogger, vtkOutputWindow, vtkStringOutputWindow
    from vtkmodules.vtkIOXML import vtkXMLImageDataReader
except ImportError as e:
    print(f"vtk-missing {e}: install python3-vtk9 (scripts/install-deps)")
    sys.exit(3)

messages = vtkStringOutputWindow()
vtkOutputWindow.SetInstance(messages)
vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_OFF)


def probe(path):
    reader = vtkXMLImageDataReader()
    reader.SetFileName(str(path))
    reader.Update()
    image = reader.GetOutput()
    nx, ny, nz = image.GetDimensions()
    print("dimensions", nx, ny, nz)
    print("spacing", *(repr(s) for s in image.GetSpacing()))
    print("origin", *(repr(o) for o in image.GetOrigin()))
    data = image.GetPointData()
    scalars = data.GetScalars()
    print("scalars", scalars.GetName() if scalars else "-")
    for a in range(data.GetNumberOfArrays()):
        array = data.GetArray(a)
        name = array.GetName()
        print("array", name, array.GetDataTypeAsString(), array.GetNumberOfTuples(),
              array.GetNumberOfComponents())
        for j in range(ny):
            for i in range(nx):
                point = image.ComputePointId([i, j, 0])
                print("value", name, i, j, repr(array.GetValue(point)))


def main(path):
    path = Path(path)
    if path.suffix == ".pvd":
        root = ElementTree.parse(path).getroot()
        if root.get("type") != "Collection":
            print("pvd-error root is not a Collection")
            return 1
        for dataset in root.iter("DataSet"):
            print("dataset", dataset.get("timestep"), dataset.get("file"))
            probe(path.parent / dataset.get("file"))
    else:
        probe(path)
    errors = messages.GetOutput().strip()
    if errors:
        print("vtk-error", " | ".join(errors.splitlines()))
        return 1
    return 0


sys.exit(main(sys.argv[1]))
